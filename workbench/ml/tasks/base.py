"""What the model tasks share: the spec of a model kind, finding its model in the
zoo, handing the model to the task on a device, and running it end to end.

`run_model_task` is the one path from "transcribe this audio" to a result: the
command line calls it through `run_to_completion`, the GUI's job service runs
it on the GPU lane, and the tests call it directly.  It chooses the device,
finds the model, loads it lazily (through the shared ModelCache) and falls
back to the CPU when the GPU runs out of memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
import torch
from torch import nn

from workbench.core.analysis.results import RunInfo
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import CancelToken, Partial, Progress, TaskGenerator
from workbench.ml.device import choose_device, run_with_oom_fallback
from workbench.ml.errors import ModelLoadError
from workbench.ml.zoo import ModelCard, ModelZoo, ZooEntry
from workbench.ml.zoo.model_cache import ModelCache

Audio = BlockSequence | np.ndarray
T = TypeVar("T")


class NoModelError(LookupError):
    """The zoo holds no model for this kind of task; `family` is what to train
    ("recognizer"), `zoo` the folder that was searched."""

    def __init__(self, family: str, zoo: str) -> None:
        super().__init__(family, zoo)
        self.family = family
        self.zoo = zoo

    def __str__(self) -> str:
        return (f"no {self.family} model installed: train one with "
                f"`workbench train {self.family}` (model folder: {self.zoo})")


class ModelTaskRun(Protocol):
    def __call__(self, audio: Audio, sample_rate: int, params: dict, cancel: CancelToken,
                 model_provider: ModelProvider) -> TaskGenerator: ...


@dataclass(frozen=True)
class PretrainedTask:
    """A public pretrained model (model manager) that a task can run by its name:
    `load(name, device)` builds and loads it, `run` is its task generator, `card`
    describes it (sample rate, alphabet) for the provider."""

    load: Callable[[str, torch.device], nn.Module]
    run: ModelTaskRun
    card: ModelCard


@dataclass(frozen=True)
class ModelTaskSpec:
    """How one kind of model job runs.

    `kind` is the job ("transcribe"); `zoo_task` the `task` a model card must
    name to serve it ("speech-recognition"); `family` the word for the model
    in messages and in `workbench train FAMILY` ("recognizer");
    `build_model(card)` builds the untrained architecture the card
    describes; `run(audio, sample_rate, params, cancel, model_provider)` is
    the task generator, which returns its result with times relative to
    `audio` (run_model_task fills in model, device, elapsed and the span).
    `pretrained` names the public pretrained models the task can also run.
    """

    kind: str
    zoo_task: str
    family: str
    build_model: Callable[[ModelCard], nn.Module]
    run: ModelTaskRun
    pretrained: dict[str, PretrainedTask] = field(default_factory=dict)


class ModelProvider:
    """Gives a task its model on a device, loaded at most once per (model, device).

    Used by the one worker that runs the task; the ModelCache it shares with
    other jobs is thread-safe.  `device` starts as the chosen device and
    becomes the CPU for the rest of the run once the GPU ran out of memory.
    """

    def __init__(self, name: str, card: ModelCard, load: Callable[[torch.device], nn.Module],
                 device: torch.device, cache: ModelCache | None = None,
                 folder: Path | None = None) -> None:
        self.name, self.card, self.device = name, card, device
        self.folder = folder  # the folder of the model's card (side files such as an LM)
        self._load = load
        self._cache = cache if cache is not None else ModelCache(max_models=2)

    @classmethod
    def from_zoo(cls, zoo: ModelZoo, entry: ZooEntry, spec: ModelTaskSpec,
                 device: torch.device, cache: ModelCache | None = None) -> ModelProvider:
        """Loads `entry`'s verified weights into `spec.build_model(card)`."""
        card = entry.card

        def load(target: torch.device) -> nn.Module:
            try:
                module = spec.build_model(card)
            except (ValueError, KeyError, TypeError) as exc:
                raise ModelLoadError(entry.card_path, f"the card does not describe a "
                                                      f"usable {spec.family}: {exc}") from exc
            zoo.load_weights_into(entry.name, module)
            return module.eval().to(target)

        return cls(entry.name, card, load, device, cache, entry.card_path.parent)

    def model(self, device: torch.device | None = None) -> nn.Module:
        """The model on `device` (default: the current one), loading it if needed."""
        device = self.device if device is None else device
        return self._cache.get_or_load(self.name, device, lambda: self._load(device))

    def infer(self, fn: Callable[[nn.Module, torch.device], T]) -> Generator[Any, None, T]:
        """Sub-task: `fn(model, device)` under inference mode, retried on the CPU on
        GPU out-of-memory; then yields a RunInfo and a Progress message saying so."""
        def attempt(device: torch.device) -> T:
            model = self.model(device)  # built outside inference mode: cached for later jobs
            with torch.inference_mode():
                return fn(model, device)

        outcome = run_with_oom_fallback(attempt, self.device)
        if outcome.fallback_message is not None:
            self.device = outcome.device
            yield Partial(RunInfo(self.name, str(self.device), outcome.fallback_message))
            yield Progress(None, outcome.fallback_message)
        return outcome.result


def find_model(zoo: ModelZoo, spec: ModelTaskSpec, name: str | None = None) -> ZooEntry:
    """The zoo entry to run: `name`, else the first usable model for the spec's task.

    Raises UnknownModelError (no such name), ModelLoadError (the model is
    broken, or serves another task), NoModelError (none installed).
    """
    if name is not None:
        entry = zoo.entry(name)
        if entry.card is not None and entry.card.task != spec.zoo_task:
            raise ModelLoadError(entry.card_path, f"model {name!r} is a {entry.card.task} "
                                                  f"model; {spec.kind} needs {spec.zoo_task}")
        if entry.problem is not None:
            raise entry.problem
        return entry
    if not zoo.manifest_path.exists():
        raise NoModelError(spec.family, str(zoo.folder))
    candidates = [e for e in zoo.list_models() if e.card and e.card.task == spec.zoo_task]
    usable = [e for e in candidates if e.usable]
    if usable:
        return usable[0]
    if candidates:
        raise candidates[0].problem
    raise NoModelError(spec.family, str(zoo.folder))


def run_model_task(spec: ModelTaskSpec, audio: Audio, sample_rate: int, cancel: CancelToken, *,
                   zoo: ModelZoo, cache: ModelCache | None = None, model: str | None = None,
                   device: str | None = None, device_setting: str | None = None,
                   params: dict | None = None, offset: float = 0.0) -> TaskGenerator:
    """Task: run `spec` on `audio` (frames x channels at `sample_rate`).

    `device` is the explicit choice (--device), `device_setting` the user's
    setting; see ml.device.choose_device.  Yields Progress ("Loading model…"
    first), a Partial RunInfo once the model and device are known, and the
    task's own partial results.  Returns the result with `model`, `device`
    and `elapsed` filled in and its times moved by `offset` seconds (where
    `audio` starts in the document).
    """
    started = time.monotonic()
    yield Progress(None, "Loading model…")
    chosen = choose_device(device, device_setting)
    pretrained = spec.pretrained.get(model) if model is not None else None
    if pretrained is not None:  # a model manager download, by its name
        provider = ModelProvider(model, pretrained.card,
                                 lambda target: pretrained.load(model, target), chosen, cache)
        run = pretrained.run
    else:
        entry = find_model(zoo, spec, model)
        provider = ModelProvider.from_zoo(zoo, entry, spec, chosen, cache)
        run = spec.run
    yield Partial(RunInfo(provider.name, str(chosen)))
    yield Progress(None, f"Loading model {provider.name} on {chosen}…")
    yield from provider.infer(lambda _model, _device: None)  # load now, with the OOM fallback
    cancel.check()
    result = yield from run(audio, sample_rate, dict(params or {}), cancel, provider)
    result = replace(result, model=provider.name, device=str(provider.device),
                     elapsed=time.monotonic() - started)
    return result.placed(offset) if offset else result

"""Train a classifier from your own labels (Teachable-Machine style).

A label tier names classes over time spans of one recording ("beep" 1.0–2.5 s,
"hiss" 4.0–5.0 s, ...).  `train_from_labels` cuts training windows from those
regions (the classifier's own 0.91 s log-mel windows, with augmentation: a
random crop, so a time shift, a random gain and added noise), fine-tunes a copy
of the zoo's classifier with a new output layer for the user's classes, and
writes the result into the zoo as a new model with a card that says what it
was trained on.  The shipped model is read, never written.

Fine-tuning trains the embedding and the new head (and the last conv block with
``tune_last_block``); the other blocks keep their weights and batch-norm
statistics.  Without a base model in the zoo a fresh network of the same
architecture is trained whole.  Validation: a class with three or more regions
lends its last region to validation (held out of training).

The new model goes to the user's zoo (``user_zoo``: core.paths.user_models_dir()
in the app and CLI), a folder of its own beside the shipped models, which are
only read.  A run saves a checkpoint every ``checkpoint_every`` steps and when it
is cancelled (label_checkpoint.py); ``resume`` continues from it.

`train_from_labels` is a task generator: ``run(audio, sample_rate, params,
cancel)`` yields Progress (the message carries the loss) and Partial
(`TrainingStep`, for a live loss plot), checks ``cancel`` between steps and
returns a `TrainedModel`.  No Qt; the CLI, the GUI worker and the tests call it.
"""

from __future__ import annotations

import dataclasses
import json
import platform
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from workbench.core import paths
from workbench.core.jobs import CancelToken, Partial, Progress, TaskGenerator
from workbench.core.labels.labels import LabelTier
from workbench.ml.classifier.net import (
    ARCHITECTURE,
    AudioClassifier,
    AudioClassifierNet,
    ClassifierConfig,
    build_classifier,
    card_config,
)
from workbench.ml.classifier.task import fill_window
from workbench.ml.tasks.audio import Audio, frames_of, mono_at, read_frames
from workbench.ml.zoo import ModelZoo, register_model
from workbench.ml.zoo.safe_load import save_safetensors
from workbench.training.classifier.label_checkpoint import (
    STOPPED,
    LabelCheckpoint,
    checkpoint_path,
    load_checkpoint,
    remove_checkpoint,
    save_checkpoint,
)

TRAINING_COMMAND = "workbench train classifier --from-labels"
USER_FOLDER = "user"
BASE_MODEL = "classifier"
# Gain (dB) and added-noise level (dB below the window's RMS) of augmentation.
_GAIN_DB = (-12.0, 6.0)
_NOISE_BELOW_DB = (20.0, 45.0)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$")


class LabelTrainingError(ValueError):
    """The labels cannot train a model (too few classes, empty regions, a bad name)."""


@dataclass(frozen=True)
class TrainingStep:
    """One finished optimiser step: what a live loss plot shows."""

    step: int
    steps: int
    loss: float
    val_accuracy: float | None = None  # every ``eval_every`` steps, when regions are held out


@dataclass(frozen=True)
class TrainingResumed:
    """A resumed run's first partial: the losses of the steps its checkpoint holds."""

    losses: tuple[float, ...]


@dataclass(frozen=True)
class TrainedModel:
    """What a finished training wrote: the zoo model's name, files and numbers."""

    name: str
    zoo: Path
    weights_path: Path
    card_path: Path
    labels: tuple[str, ...]
    losses: tuple[float, ...]
    val_accuracy: float | None
    training_s: float


@dataclass(frozen=True)
class LabelExamples:
    """Mono signals at the model rate, one per labelled region, grouped by class."""

    train: dict[str, list[np.ndarray]]
    validation: dict[str, list[np.ndarray]] = field(default_factory=dict)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(sorted(self.train))


def examples_from_tier(audio: Audio, sample_rate: int, tier: LabelTier, model_rate: int
                       ) -> LabelExamples:
    """The tier's regions (points and empty texts skipped) as per-class signals.

    A class with three or more regions keeps its last one for validation.
    Raises LabelTrainingError when fewer than two classes have regions.
    """
    regions: dict[str, list[np.ndarray]] = {}
    for label in tier.labels:
        name = label.text.strip()
        if label.is_point or not name:
            continue
        stop = min(label.end, frames_of(audio))
        if stop <= label.start:
            continue
        signal = mono_at(read_frames(audio, label.start, stop), sample_rate, model_rate)
        regions.setdefault(name, []).append(signal.astype(np.float32))
    if len(regions) < 2:
        raise LabelTrainingError(f"tier '{tier.name}' needs regions of at least two classes "
                                 f"to train from; it has {len(regions)}")
    train, validation = {}, {}
    for name, signals in regions.items():
        if len(signals) >= 3:
            train[name], validation[name] = signals[:-1], signals[-1:]
        else:
            train[name] = signals
    return LabelExamples(train, validation)


def augmented_window(rng: np.random.Generator, signal: np.ndarray, length: int) -> np.ndarray:
    """A random ``length``-sample crop of ``signal`` (looped if short: a time shift),
    at a random gain, with white noise added well below its level."""
    looped = fill_window(signal, max(len(signal), length))
    start = int(rng.integers(0, len(looped) - length + 1))
    window = looped[start:start + length] * np.float32(10 ** (rng.uniform(*_GAIN_DB) / 20))
    rms = float(np.sqrt(np.mean(np.square(window)))) or 1e-4
    noise_rms = rms * 10 ** (-rng.uniform(*_NOISE_BELOW_DB) / 20)
    window = window + rng.standard_normal(length).astype(np.float32) * np.float32(noise_rms)
    return np.clip(window, -1.0, 1.0)


def window_batch(rng: np.random.Generator, examples: dict[str, list[np.ndarray]],
                 labels: Sequence[str], size: int, length: int, augment: bool = True
                 ) -> tuple[np.ndarray, np.ndarray]:
    """``(windows [size, length], class indices [size])``, classes balanced."""
    targets = rng.integers(0, len(labels), size=size)
    windows = np.empty((size, length), dtype=np.float32)
    for row, index in enumerate(targets):
        bank = examples[labels[index]]
        signal = bank[int(rng.integers(len(bank)))]
        if augment:
            windows[row] = augmented_window(rng, signal, length)
        else:
            looped = fill_window(signal, max(len(signal), length))
            start = int(rng.integers(0, len(looped) - length + 1))
            windows[row] = looped[start:start + length]
    return windows, targets.astype(np.int64)


def base_model(zoo: ModelZoo, base: str | None, labels: tuple[str, ...]
               ) -> tuple[AudioClassifier, str | None]:
    """A copy of the zoo's ``base`` classifier with a new head for ``labels`` (its own head
    when the labels are the same), or a fresh network when ``base`` is None or absent."""
    names = {e.name: e for e in zoo.list_models()} if zoo.manifest_path.exists() else {}
    entry = names.get(base) if base else None
    if entry is None or not entry.usable or entry.card is None \
            or entry.card.architecture != ARCHITECTURE:
        return AudioClassifier(ClassifierConfig(labels=labels)), None
    model = build_classifier(entry.card)
    zoo.load_weights_into(entry.name, model)
    config = ClassifierConfig.from_json({**model.config.to_json(), "labels": list(labels)})
    # The base's level gate is its recipe's labelling rule; your labels are the rule now.
    config = dataclasses.replace(config, silence_gate_dbfs=None)
    net = model.net
    if tuple(entry.card.labels) != labels:
        net.head = nn.Linear(net.head.in_features, len(labels))
        # The context layer reads the base's classes, so it goes with them: the new model
        # scores each window alone.
        config = dataclasses.replace(config, context_radius=0)
        net.context = None
    net.config = config
    return AudioClassifier(config, net), entry.name


def _trainable(net: AudioClassifierNet, fine_tune: bool, last_block: bool) -> list:
    if not fine_tune:
        return list(net.parameters())
    for p in net.parameters():
        p.requires_grad_(False)
    parts = [net.embed, net.head] + ([net.blocks[-1]] if last_block else [])
    for part in parts:
        for p in part.parameters():
            p.requires_grad_(True)
    return [p for part in parts for p in part.parameters()]


def _set_train_mode(net: AudioClassifierNet, fine_tune: bool, last_block: bool) -> None:
    # Frozen blocks keep their batch-norm statistics: eval mode for them.
    net.train()
    if fine_tune:
        net.input_norm.eval()
        for i, block in enumerate(net.blocks):
            if not (last_block and i == len(net.blocks) - 1):
                block.eval()


@torch.inference_mode()
def window_accuracy(model: AudioClassifier, examples: dict[str, list[np.ndarray]],
                    labels: Sequence[str], windows_per_class: int = 20, seed: int = 99) -> float:
    """Share of plain (unaugmented) windows from ``examples`` classified as their class."""
    model.eval()
    rng = np.random.default_rng(seed)
    present = [name for name in labels if examples.get(name)]
    windows, targets = window_batch(rng, {n: examples[n] for n in present}, present,
                                    windows_per_class * len(present),
                                    model.config.window_samples, augment=False)
    predicted = model(torch.from_numpy(windows)).argmax(1).numpy()
    expected = np.array([labels.index(present[t]) for t in targets])
    return float(np.mean(predicted == expected))


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise LabelTrainingError(f"model name {name!r}: use 1-64 letters, digits, spaces, "
                                 "'_', '-' or '.', starting with a letter or digit")
    return name


def train_from_labels(audio: Audio, sample_rate: int, params: dict, cancel: CancelToken
                      ) -> TaskGenerator:
    """Task: fine-tune a classifier on the labelled regions of ``audio``; write it to the zoo.

    params: ``tier`` (LabelTier, required), ``name`` (the new model's name,
    required), ``zoo`` (folder of the base model, default the app's model folder),
    ``user_zoo`` (where the new model and its checkpoints go; default ``zoo``, the
    app passes the user's model folder), ``resume`` (False: continue from the
    checkpoint of ``name``), ``checkpoint_every`` (10), ``base``
    (default "classifier"; None trains a fresh network), ``steps`` (60),
    ``batch_size`` (24), ``learning_rate`` (3e-3), ``tune_last_block`` (False),
    ``eval_every`` (10: held-out accuracy every so many steps and after the last),
    ``seed`` (0), ``source`` (what the audio is, for the card).
    """
    started = time.perf_counter()
    name = check_name(str(params.get("name", "")))
    zoo_folder = Path(params.get("zoo") or paths.models_dir())
    user_zoo = Path(params.get("user_zoo") or zoo_folder)
    zoo = ModelZoo(zoo_folder, user_zoo)
    _refuse_overwrite(zoo, name)
    tier: LabelTier = params["tier"]
    steps = int(params.get("steps", 60))
    seed = int(params.get("seed", 0))
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    yield Progress(0.0, "Reading labelled regions")
    config = ClassifierConfig()
    examples = examples_from_tier(audio, sample_rate, tier, config.sample_rate)
    labels = examples.labels
    model, base = base_model(zoo, params.get("base", BASE_MODEL), labels)
    fine_tune, last_block = base is not None, bool(params.get("tune_last_block", False))
    net = model.net
    optimiser = torch.optim.AdamW(_trainable(net, fine_tune, last_block),
                                  lr=float(params.get("learning_rate", 3e-3)),
                                  weight_decay=1e-4)
    saved = checkpoint_path(user_zoo, name)
    losses: list[float] = []
    earlier_s, first = 0.0, 1
    if params.get("resume"):
        checkpoint = load_checkpoint(saved, labels, base, last_block)
        net.load_state_dict(checkpoint.net)
        optimiser.load_state_dict(checkpoint.optimiser)
        losses, earlier_s, first = list(checkpoint.losses), checkpoint.seconds, \
            checkpoint.step + 1
        # Fresh but reproducible batches from here on (the generator's state is not saved).
        rng = np.random.default_rng([seed, first])
        yield Partial(TrainingResumed(tuple(losses)))
        yield Progress(checkpoint.step / steps, f"Resuming after step {checkpoint.step}")

    def checkpoint_now(step_done: int) -> None:
        save_checkpoint(saved, LabelCheckpoint(
            net.state_dict(), optimiser.state_dict(), step_done, list(losses),
            earlier_s + time.perf_counter() - started, list(labels), base or "", last_block))

    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
    batch = int(params.get("batch_size", 24))
    eval_every = max(1, int(params.get("eval_every", 10)))
    every = max(1, int(params.get("checkpoint_every", 10)))
    val: float | None = None
    try:
        for step in range(first, steps + 1):
            cancel.check()
            _set_train_mode(net, fine_tune, last_block)
            windows, targets = window_batch(rng, examples.train, labels, batch,
                                            config.window_samples)
            with torch.no_grad():
                logmel = model.logmel(torch.from_numpy(windows))
            loss = loss_fn(net(logmel), torch.from_numpy(targets))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses.append(float(loss.detach()))
            val = None
            if examples.validation and (step % eval_every == 0 or step == steps):
                val = window_accuracy(model, examples.validation, labels)
            if step % every == 0 and step < steps:
                checkpoint_now(step)
            yield Partial(TrainingStep(step, steps, losses[-1], val))
            yield Progress(step / steps, f"Training step {step}/{steps}: loss {losses[-1]:.3f}")
        cancel.check()
    except STOPPED:
        if len(losses) >= 1:
            checkpoint_now(len(losses))  # the steps done, so Resume continues after them
        raise
    if val is None and examples.validation:  # a resume with no steps left to run
        val = window_accuracy(model, examples.validation, labels)
    model.eval()
    training_s = earlier_s + time.perf_counter() - started
    facts = {"base": base, "tune_last_block": last_block, "steps": steps, "batch_size": batch, "seed": seed,
             "tier": tier.name, "source": str(params.get("source", "")),
             "regions": {n: len(examples.train[n]) + len(examples.validation.get(n, []))
                         for n in labels},
             "seconds": {n: round(sum(len(s) for s in examples.train[n])
                                  / config.sample_rate, 2) for n in labels},
             "final_loss": losses[-1] if losses else None}
    trained = write_model(user_zoo, name, model, facts, tuple(losses), val, training_s)
    remove_checkpoint(saved)
    return trained


def _refuse_overwrite(zoo: ModelZoo, name: str) -> None:
    if not zoo.manifest_path.exists() and not (
            zoo.user_folder and (zoo.user_folder / zoo.manifest_path.name).exists()):
        return
    for entry in _listed(zoo):
        if entry.name == name and (entry.card is None
                                   or entry.card.training_command != TRAINING_COMMAND):
            raise LabelTrainingError(f"the zoo already has a model named {name!r} that was not "
                                     "trained from labels; choose another name")


def _listed(zoo: ModelZoo) -> list:
    """The shipped and user models (no shipped manifest: the user's alone)."""
    if zoo.manifest_path.exists():
        return zoo.list_models()
    return ModelZoo(zoo.user_folder).list_models()


def write_model(zoo: Path, name: str, model: AudioClassifier, facts: dict,
                losses: tuple[float, ...], val: float | None, training_s: float) -> TrainedModel:
    """Weights and card under ``zoo/user/<name>/``, registered in that zoo's manifest."""
    folder = zoo / USER_FOLDER / name
    folder.mkdir(parents=True, exist_ok=True)
    weights, card = folder / "model.safetensors", folder / "model.md"
    save_safetensors(model, weights)
    card.write_text(_card_text(name, model.config, facts, val, training_s), encoding="utf-8")
    register_model(zoo, name, weights, card)
    return TrainedModel(name, zoo, weights, card, model.config.labels, losses, val, training_s)


def _card_text(name: str, config: ClassifierConfig, facts: dict, val: float | None,
               training_s: float) -> str:
    regions = ", ".join(f"{n}: {facts['regions'][n]} regions, {facts['seconds'][n]} s"
                        for n in config.labels)
    data = (f"The user's own labels: tier '{facts['tier']}' of {facts['source'] or 'a recording'}"
            f" ({regions}); windows augmented with random crops, gain "
            f"{_GAIN_DB[0]:+.0f} to {_GAIN_DB[1]:+.0f} dB and white noise "
            f"{_NOISE_BELOW_DB[0]:.0f}-{_NOISE_BELOW_DB[1]:.0f} dB below the window.")
    tuned = "embedding and last conv block" if facts["tune_last_block"] else "embedding"
    how = (f"fine-tuned from '{facts['base']}' (new head; {tuned} trained)"
           if facts["base"] else "trained from scratch (no base model in the zoo)")
    metrics = {} if val is None else {"validation_window_accuracy": val}
    front = {"task": "audio-classification", "architecture": ARCHITECTURE,
             "sample_rate": config.sample_rate, "labels": list(config.labels),
             "config": card_config(config), "training_data": data,
             "training_command": TRAINING_COMMAND,
             "hardware": f"{platform.machine()} CPU, {torch.get_num_threads()} torch threads",
             "training_time": f"{training_s:.1f} s", "metrics": metrics,
             "training": facts}
    held = ("Validation: the last region of each class with three or more regions, held out "
            f"of training; window accuracy {val:.3f}." if val is not None else
            "No validation: no class had three or more regions to hold one out.")
    body = (f"# {name}: a classifier trained from labels\n\nClasses: "
            f"{', '.join(config.labels)}. {how.capitalize()}, {facts['steps']} steps of "
            f"{facts['batch_size']} windows.\n\n## Data\n\n{data}\n\n## Validation\n\n{held}\n")
    return "---\n" + json.dumps(front, indent=2) + "\n---\n\n" + body

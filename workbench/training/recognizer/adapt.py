"""Adapt the recognizer to one recording: its corrected word tier is the training data.

`adapt_recognizer(audio, sample_rate, params, cancel)` cuts the recording into
utterances at the pauses between the tier's words (at most `MAX_UTTERANCE_S` each,
with `PAD_S` of audio either side), fine-tunes a copy of the zoo's recognizer on
them with the CTC loss (every layer; light augmentation: gain, speed 0.9-1.1,
white noise 25-45 dB below), and writes the copy into the user's zoo
(`user/<name>/`) with a card naming the recording, tier and numbers, and the base
model's word LM beside it so its beam search works the same.  The base model is
read, never written.

A task generator like every model task: it yields Progress and Partial(`AdaptStep`,
for a live loss plot), checks `cancel` between steps (a cancelled run writes
nothing) and returns an `AdaptedModel`.  No Qt; the GUI worker and the tests call it.
"""

from __future__ import annotations

import json
import platform
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from workbench.core.jobs import CancelToken, Partial, Progress, TaskGenerator
from workbench.ml.recognizer.net import CHARACTERS, CtcRecognizer, build_recognizer
from workbench.ml.tasks.audio import Audio, frames_of, mono_at, read_frames
from workbench.ml.zoo import ModelZoo, read_card, register_model
from workbench.ml.zoo.safe_load import save_safetensors
from workbench.training.recognizer.augment import change_speed
from workbench.training.recognizer.corpus import normalize_transcript
from workbench.training.recognizer.metrics import encode_text

USER_FOLDER = "user"  # where the user's own models go inside their zoo (as classifiers)
BASE_MODEL = "recognizer"
MAX_UTTERANCE_S = 8.0
PAUSE_S = 0.5  # a gap this long between words ends an utterance
PAD_S = 0.15
TRAINING_COMMAND = "Models > Adapt Recognizer to This Recording (the workbench GUI)"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$")


class AdaptError(ValueError):
    """The recording, its words or the name cannot make an adapted model (says why)."""


@dataclass(frozen=True)
class AdaptStep:
    """One finished optimiser step: what the live loss plot shows."""

    step: int
    steps: int
    loss: float


@dataclass(frozen=True)
class AdaptedModel:
    """What a finished adaptation wrote: the zoo model's name, files and numbers."""

    name: str
    zoo: Path
    weights_path: Path
    card_path: Path
    utterances: int
    seconds: float
    losses: tuple[float, ...]
    training_s: float


def utterances(words: list[tuple[float, float, str]], total_s: float
               ) -> list[tuple[float, float, str]]:
    """(start s, end s, text) pieces of the timed words: split at pauses and at
    MAX_UTTERANCE_S, padded by PAD_S; words with no letters left are skipped."""
    pieces, current = [], []
    for start, end, text in sorted(words):
        clean = normalize_transcript(text)
        if not clean:
            continue
        if current and (start - current[-1][1] >= PAUSE_S
                        or end - current[0][0] > MAX_UTTERANCE_S):
            pieces.append(current)
            current = []
        current.append((start, end, clean))
    if current:
        pieces.append(current)
    return [(max(0.0, p[0][0] - PAD_S), min(total_s, p[-1][1] + PAD_S),
             " ".join(w[2] for w in p)) for p in pieces]


def adapt_recognizer(audio: Audio, sample_rate: int, params: dict, cancel: CancelToken
                     ) -> TaskGenerator:
    """Task: fine-tune a copy of the recognizer on ``audio``'s words; write it to the zoo.

    params: ``words`` ((start s, end s, text) of the corrected word tier, required),
    ``name`` (required), ``zoo`` (the base model's folder), ``user_zoo`` (where the new
    model goes; default ``zoo``), ``base`` ("recognizer"), ``steps`` (40),
    ``batch_size`` (8 utterances), ``learning_rate`` (3e-4), ``seed`` (0), ``tier`` and
    ``source`` (for the card).
    """
    started = time.perf_counter()
    name = str(params.get("name", ""))
    if not _NAME.match(name):
        raise AdaptError(f"model name {name!r}: use 1-64 letters, digits, spaces, '_', '-' "
                         "or '.', starting with a letter or digit")
    zoo_folder = Path(params["zoo"])
    user_zoo = Path(params.get("user_zoo") or zoo_folder)
    zoo = ModelZoo(zoo_folder, user_zoo if user_zoo != zoo_folder else None)
    base = str(params.get("base") or BASE_MODEL)
    if name == base or name in _shipped_names(zoo):
        raise AdaptError(f"the zoo already has a model named {name!r}; choose another name")
    steps, seed = int(params.get("steps", 40)), int(params.get("seed", 0))
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    yield Progress(0.0, "Cutting the recording at its words")
    entry = zoo.entry(base)
    if entry.problem is not None:
        raise entry.problem
    net = zoo.load_weights_into(base, build_recognizer(entry.card))
    characters = entry.card.alphabet or CHARACTERS
    total_s = frames_of(audio) / sample_rate
    pieces = utterances(list(params["words"]), total_s)
    if not pieces:
        raise AdaptError("the words tier has no words to learn from")
    clips = [(mono_at(read_frames(audio, round(a * sample_rate), round(b * sample_rate)),
                      sample_rate, net.sample_rate), text) for a, b, text in pieces]
    optimiser = torch.optim.AdamW(net.parameters(), lr=float(params.get("learning_rate", 3e-4)),
                                  weight_decay=1e-2)
    batch = int(params.get("batch_size", 8))
    losses: list[float] = []
    for step in range(1, steps + 1):
        cancel.check()
        chosen = rng.choice(len(clips), size=min(batch, len(clips)), replace=False)
        losses.append(_step(net, [clips[i] for i in chosen], characters, rng, optimiser))
        yield Partial(AdaptStep(step, steps, losses[-1]))
        yield Progress(step / steps, f"Adapting: step {step}/{steps}, loss {losses[-1]:.3f}")
    cancel.check()
    net.eval()
    seconds = round(sum(len(c[0]) for c in clips) / net.sample_rate, 2)
    facts = {"base": base, "steps": steps, "batch_size": batch, "seed": seed,
             "utterances": len(clips), "seconds": seconds,
             "tier": str(params.get("tier", "words")), "source": str(params.get("source", "")),
             "first_loss": losses[0] if losses else None,
             "final_loss": losses[-1] if losses else None}
    training_s = time.perf_counter() - started
    weights, card = _write(user_zoo, name, net, entry, facts, training_s)
    return AdaptedModel(name, user_zoo, weights, card, len(clips), seconds, tuple(losses),
                        training_s)


def _step(net: CtcRecognizer, batch: list[tuple[np.ndarray, str]], characters: str,
          rng: np.random.Generator, optimiser) -> float:
    net.train()
    waves = [_augmented(audio, rng) for audio, _ in batch]
    lengths = torch.tensor([len(w) for w in waves])
    wave = torch.zeros(len(waves), int(lengths.max()))
    for i, w in enumerate(waves):
        wave[i, :len(w)] = torch.from_numpy(w)
    targets = [torch.tensor(encode_text(text, characters)) for _, text in batch]
    frames = net.output_frames(lengths)
    log_probs = net(wave, lengths)
    loss = F.ctc_loss(log_probs.transpose(0, 1), torch.cat(targets), frames,
                      torch.tensor([len(t) for t in targets]), blank=0, zero_infinity=True)
    optimiser.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
    optimiser.step()
    return float(loss.detach())


def _augmented(audio: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    out = change_speed(audio, float(rng.uniform(0.9, 1.1)))
    out = out * float(10 ** (rng.uniform(-6, 6) / 20))
    rms = float(np.sqrt(np.mean(out ** 2))) if len(out) else 0.0
    noise = rng.standard_normal(len(out)) * rms * 10 ** (-rng.uniform(25, 45) / 20)
    return np.clip(out + noise, -1, 1).astype(np.float32)


def _shipped_names(zoo: ModelZoo) -> set[str]:
    if not zoo.manifest_path.exists():
        return set()
    return {e.name for e in zoo.list_models()
            if e.card is None or e.card.training_command != TRAINING_COMMAND}


def _write(user_zoo: Path, name: str, net: CtcRecognizer, base_entry, facts: dict,
           training_s: float) -> tuple[Path, Path]:
    """Weights, card and the base's LM under ``user_zoo/user/<name>/``, registered."""
    folder = user_zoo / USER_FOLDER / name
    folder.mkdir(parents=True, exist_ok=True)
    weights, card = folder / "model.safetensors", folder / "model.md"
    save_safetensors(net, weights)
    base_card = read_card(base_entry.card_path)
    extra, others = {}, []
    lm = base_card.extra.get("lm")
    if lm and (base_entry.card_path.parent / str(lm)).is_file():
        shutil.copyfile(base_entry.card_path.parent / str(lm), folder / str(lm))
        extra["lm"], others = str(lm), [folder / str(lm)]
    front = {"task": "speech-recognition", "architecture": base_card.architecture,
             "sample_rate": base_card.sample_rate, "alphabet": base_card.alphabet,
             "config": dict(base_card.config), **extra,
             "training_data": f"{facts['utterances']} utterances ({facts['seconds']} s) cut at "
                              f"the pauses of tier '{facts['tier']}' of "
                              f"{facts['source'] or 'a recording'}; gain, speed and noise "
                              "augmentation",
             "training_command": TRAINING_COMMAND,
             "hardware": f"{platform.machine()} CPU, {torch.get_num_threads()} torch threads",
             "training_time": f"{training_s:.1f} s",
             "metrics": {"first_loss": facts["first_loss"], "final_loss": facts["final_loss"]},
             "training": facts}
    body = (f"# {name}: the recognizer adapted to one recording\n\nFine-tuned from "
            f"'{facts['base']}' on the corrected words of {facts['source'] or 'a recording'}"
            f" ({facts['steps']} steps of up to {facts['batch_size']} utterances). It has "
            "seen only this recording: compare it with the base model on other audio before "
            "trusting it there. The CTC loss on its own training utterances went from "
            f"{facts['first_loss']:.3f} to {facts['final_loss']:.3f}.\n")
    card.write_text("---\n" + json.dumps(front, indent=2) + "\n---\n\n" + body,
                    encoding="utf-8")
    register_model(user_zoo, name, weights, card, tuple(others))
    return weights, card

"""The enhancer's test set: held-out voices over noises at 0, 5 and 10 dB SNR.

Speech: two sentences from the held-out voices (recipe.voice_pool("eval")) with
a pause, dry (the target).  Noises: the held-out kinds (rain, engine, tones:
never heard in training) make the headline set; seen kinds (babble, music, fan)
on evaluation seeds are scored as a second set.  Plus clean utterances, to check
that clean speech comes out nearly unchanged.  Cached in the run folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.training.enhancer import recipe
from workbench.training.synth.speech import random_params, synthesize_speech
from workbench.training.synth.text import random_sentence

SNRS_DB = (0.0, 5.0, 10.0)
HELD_OUT_SET = recipe.HELD_OUT_NOISES
SEEN_SET = ("babble", "music", "fan")
EVAL_VERSION = 1


@dataclass(frozen=True)
class EvalItem:
    """One test mixture at 16 kHz: ``noisy`` = ``clean`` + noise at ``snr_db``."""

    noisy: np.ndarray
    clean: np.ndarray
    kind: str
    snr_db: float
    group: str        # "held-out", "seen" or "clean"
    voice: str


def _speech(rng: np.random.Generator) -> tuple[np.ndarray, str]:
    voices = recipe.voice_pool("eval")
    voice = voices[int(rng.integers(len(voices)))]
    params = random_params(rng)
    rate = recipe.SAMPLE_RATE
    parts = [np.zeros(int(rng.uniform(0.2, 0.5) * rate), np.float32)]
    for _ in range(2):
        parts.append(synthesize_speech(random_sentence(rng), rate, voice, params).audio)
        parts.append(np.zeros(int(rng.uniform(0.3, 0.6) * rate), np.float32))
    return np.concatenate(parts), str(voice)


def _noise(kind: str, rng: np.random.Generator, frames: int) -> np.ndarray:
    audio = recipe.make_noise(kind, rng, recipe.SAMPLE_RATE, frames / recipe.SAMPLE_RATE + 0.1)
    return np.resize(audio, frames)


def make_item(kind: str, snr_db: float, index: int, group: str) -> EvalItem:
    rng = recipe.split_rng("eval", 7, int(snr_db), index, sum(map(ord, kind)))
    clean, voice = _speech(rng)
    level = 10 ** (rng.uniform(-35.0, -18.0) / 20) / np.sqrt(np.mean(clean ** 2))
    clean = clean * level
    if kind == "clean":
        return EvalItem(clean.astype(np.float32), clean.astype(np.float32), kind, np.inf,
                        group, voice)
    noise = _noise(kind, rng, len(clean)).astype(np.float64)
    noise *= np.sqrt(np.mean(clean ** 2) / np.mean(noise ** 2)) * 10 ** (-snr_db / 20)
    noisy = clean + noise
    peak = np.max(np.abs(noisy))
    if peak > 0.99:
        noisy, clean = noisy * 0.99 / peak, clean * 0.99 / peak
    return EvalItem(noisy.astype(np.float32), clean.astype(np.float32), kind, snr_db, group,
                    voice)


def build_eval_set(folder: Path, per_cell: int = 6, seen_per_cell: int = 3, clean: int = 12,
                   log: Callable[[str], None] = print) -> list[EvalItem]:
    """The test items (cached as one .npz in ``folder``)."""
    path = folder / f"eval-v{EVAL_VERSION}-{per_cell}-{seen_per_cell}-{clean}.npz"
    if not path.exists():
        items = []
        for group, kinds, count in (("held-out", HELD_OUT_SET, per_cell),
                                    ("seen", SEEN_SET, seen_per_cell)):
            for kind in kinds:
                for snr in SNRS_DB:
                    items += [make_item(kind, snr, i, group) for i in range(count)]
                log(f"eval set: {kind} done")
        items += [make_item("clean", 0.0, i, "clean") for i in range(clean)]
        _save(path, items)
    return _load(path)


def _save(path: Path, items: list[EvalItem]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lengths = np.array([len(i.clean) for i in items])
    partial = path.with_name(path.name + ".partial.npz")
    np.savez(partial, noisy=np.concatenate([i.noisy for i in items]),
             clean=np.concatenate([i.clean for i in items]), lengths=lengths,
             kinds=np.array([i.kind for i in items]), snrs=np.array([i.snr_db for i in items]),
             groups=np.array([i.group for i in items]), voices=np.array([i.voice for i in items]))
    partial.replace(path)


def _load(path: Path) -> list[EvalItem]:
    with np.load(path) as d:
        cuts = np.cumsum(d["lengths"])[:-1]
        noisy, clean = np.split(d["noisy"], cuts), np.split(d["clean"], cuts)
        return [EvalItem(n, c, str(k), float(s), str(g), str(v)) for n, c, k, s, g, v in
                zip(noisy, clean, d["kinds"], d["snrs"], d["groups"], d["voices"])]

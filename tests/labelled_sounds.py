"""Two made-up sound classes with labels ("beep" and "hiss") and a zoo holding a copy of the
shipped classifier: the material of the train-from-labels tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from workbench.core import paths
from workbench.core.labels.labels import Label, LabelTier
from workbench.training.synth import filters, noise, tones

RATE = 16000


def beep(rng: np.random.Generator, seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    freq = rng.uniform(800, 1500)
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def hiss(rng: np.random.Generator, seconds: float) -> np.ndarray:
    return (0.1 * rng.standard_normal(int(seconds * RATE))).astype(np.float32)


def labelled_recording(seed: int = 0, per_class: int = 3) -> tuple[np.ndarray, LabelTier]:
    """Alternating 1.5 s beeps and hisses with 0.5 s of quiet between; one label each."""
    rng = np.random.default_rng(seed)
    pieces, labels, at = [], [], 0
    for _ in range(per_class):
        for name, make in (("beep", beep), ("hiss", hiss)):
            sound = make(rng, 1.5)
            labels.append(Label(at, at + len(sound), name))
            gap = np.zeros(RATE // 2, np.float32)
            pieces += [sound, gap]
            at += len(sound) + len(gap)
    return np.concatenate(pieces)[:, None], LabelTier("classes", tuple(labels))


def shipped_classifier_zoo(folder: Path) -> Path:
    """``folder`` as a zoo holding a copy of the shipped classifier (never the original)."""
    shutil.copytree(paths.MODELS / "classifier", folder / "classifier")
    manifest = json.loads((paths.MODELS / "manifest.json").read_text())
    manifest["models"] = [m for m in manifest["models"] if m["name"] == "classifier"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def whistle(rng: np.random.Generator, seconds: float) -> np.ndarray:
    """A whistled glide (1.2-3 kHz) with vibrato, made with the synthesis toolkit's sweep."""
    glide = tones.sweep(rng.uniform(1200, 2200), rng.uniform(1500, 3000), seconds, RATE,
                        amplitude=rng.uniform(0.1, 0.4))
    t = np.arange(len(glide)) / RATE
    return (glide * (1 + 0.3 * np.sin(2 * np.pi * rng.uniform(4, 7) * t))).astype(np.float32)


def claps(rng: np.random.Generator, seconds: float) -> np.ndarray:
    """Hand claps: band-passed noise bursts (sharp attack, ~30 ms decay) every 0.2-0.45 s."""
    out = np.zeros(int(seconds * RATE))
    band = filters.bandpass(RATE, rng.uniform(900, 1800), 0.8)
    at = rng.uniform(0.0, 0.1)
    while at < seconds:
        n = int(0.12 * RATE)
        burst = rng.standard_normal(n) * np.exp(-np.arange(n) / (rng.uniform(0.02, 0.04) * RATE))
        burst = filters.apply_filters(burst, [band]) * rng.uniform(0.2, 0.6)
        start = int(at * RATE)
        stop = min(len(out), start + n)
        out[start:stop] += burst[:stop - start]
        at += rng.uniform(0.2, 0.45)
    return out.astype(np.float32)


def whistles_and_claps(seed: int, per_class: int, seconds: float = 2.0
                       ) -> tuple[np.ndarray, LabelTier]:
    """Alternating whistles and claps over faint pink room noise, each region labelled."""
    rng = np.random.default_rng(seed)
    pieces, labels, at = [], [], 0
    for _ in range(per_class):
        for name, make in (("whistle", whistle), ("clap", claps)):
            sound = make(rng, seconds * rng.uniform(0.75, 1.25))
            labels.append(Label(at, at + len(sound), name))
            gap = np.zeros(int(rng.uniform(0.3, 0.8) * RATE), np.float32)
            pieces += [sound, gap]
            at += len(sound) + len(gap)
    signal = np.concatenate(pieces)
    signal += noise.pink_noise(seed, RATE, len(signal) / RATE, level_db=-50.0)[:len(signal)]
    return signal.astype(np.float32)[:, None], LabelTier("sounds", tuple(labels))

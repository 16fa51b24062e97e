"""Two made-up sound classes with labels ("beep" and "hiss") and a zoo holding a copy of the
shipped classifier: the material of the train-from-labels tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from workbench.core import paths
from workbench.core.labels.labels import Label, LabelTier

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

"""The classifier's cached clip store and the random training windows cut from it.

Synthesis is the slow part, so each split's clips are written once under a
cache folder (``runs/classifier/data`` by default, git-ignored) as one
float16 array per class (float16 keeps room tone at -90 dBFS, which int16
would round to zero) plus a JSON list of what each clip is.  A class whose
file exists is not synthesized again, so an interrupted build resumes.

`WindowSampler` cuts windows from the clips: a random stretch of one clip at
a random level, or (for clean boundaries) two clips of different classes
joined inside the window, labelled with the class at the window's centre,
the stretch that window speaks for.
"""

from __future__ import annotations

import json
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.training.classifier.recipe import CLASSES, SOUND_LEVELS_DB
from workbench.training.classifier.recipe_families import NAME as DEFAULT_RECIPE
from workbench.training.classifier.recipe_families import RECIPES, speech_snr_db

CLIP_SECONDS = 6.0


@dataclass(frozen=True)
class ClipSet:
    """All clips of one split: ``audio[label]`` is ``[clips, frames]`` float16."""

    audio: dict[str, np.ndarray]
    details: dict[str, list[str]]
    sample_rate: int

    def clip_count(self) -> int:
        return sum(len(a) for a in self.audio.values())


def build_clips(folder: str | Path, split: str, clips_per_class: int, sample_rate: int = 16000,
                on_clip: Callable[[str, int], None] | None = None,
                recipe: str = DEFAULT_RECIPE, workers: int = 1) -> ClipSet:
    """Synthesize (or read back) ``clips_per_class`` clips of every class for ``split``.

    ``recipe`` names the data recipe (``recipe_families.RECIPES``: "first",
    "families" or "randomized"); each recipe has its own cache files.
    ``on_clip(label, index)`` is called for each new clip (progress).  A cached
    class with a different clip count or rate is made again.  ``workers`` > 1
    synthesizes in that many processes; every clip has its own seed, so the
    clips are the same either way.
    """
    if recipe not in RECIPES:
        raise ValueError(f"unknown data recipe {recipe!r}; use one of {sorted(RECIPES)}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    audio, details = {}, {}
    with ExitStack() as stack:
        # Spawned (not forked) workers: the parent may hold torch and BLAS thread pools.
        pool = None if workers <= 1 else stack.enter_context(
            ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")))
        for label in CLASSES:
            _build_class(folder, recipe, split, label, clips_per_class, sample_rate, on_clip,
                         pool, audio, details)
    return ClipSet(audio, details, sample_rate)


def _build_class(folder, recipe, split, label, clips_per_class, sample_rate, on_clip, pool,
                 audio, details) -> None:
    """Read ``label``'s cached clips into ``audio``/``details``, or synthesize and cache them."""
    synthesize_clip = RECIPES[recipe]
    data_path = folder / f"{recipe}-{split}-{label}.npy"
    info_path = folder / f"{recipe}-{split}-{label}.json"
    info = json.loads(info_path.read_text()) if info_path.exists() else {}
    if (data_path.exists() and info.get("clips") == clips_per_class
            and info.get("sample_rate") == sample_rate):
        audio[label], details[label] = np.load(data_path), info["details"]
        return
    clips = []
    for index, clip in enumerate(_synthesize_all(synthesize_clip, label, split,
                                                 clips_per_class, sample_rate, pool)):
        if on_clip:
            on_clip(label, index)
        clips.append(clip)
    audio[label] = np.stack([c.audio for c in clips]).astype(np.float16)
    details[label] = [c.detail for c in clips]
    np.save(data_path.with_suffix(".partial.npy"), audio[label])
    data_path.with_suffix(".partial.npy").replace(data_path)
    info_path.write_text(json.dumps({"clips": clips_per_class, "sample_rate": sample_rate,
                                     "details": details[label]}, indent=1))


def _synthesize_all(synthesize_clip, label, split, count, sample_rate, pool):
    """Clips 0..count-1 in order, from the process ``pool`` if there is one."""
    if pool is None:
        return (synthesize_clip(label, split, i, sample_rate, CLIP_SECONDS) for i in range(count))
    return pool.map(synthesize_clip, [label] * count, [split] * count, range(count),
                    [sample_rate] * count, [CLIP_SECONDS] * count, chunksize=4)


def _level_gain(rng: np.random.Generator, label: str, clip_rms: float) -> float:
    """Gain that puts a clip at a random level of its class's range."""
    if label == "silence":
        # Room tone keeps its (already random) level, only ever a little quieter.
        return float(10 ** (rng.uniform(-4.0, 0.0) / 20))
    if clip_rms <= 0.0:
        return 1.0
    return float(10 ** (rng.uniform(*SOUND_LEVELS_DB) / 20) / clip_rms)


class WindowSampler:
    """Random labelled training windows from a `ClipSet`.

    ``transition_share`` of the windows join two clips of different classes at
    a random point; their label is the class at the window's centre.  With
    ``speed_range``, sounds are read at a random speed; with ``remix_share``,
    clean speech gets fresh backgrounds (see ``__init__``).  Levels
    are drawn per window (sounds -48 to -10 dBFS RMS; room tone stays below
    -62 dBFS).  Not thread-safe; one sampler per training loop.
    """

    def __init__(self, clips: ClipSet, window_samples: int, transition_share: float = 0.3,
                 speed_range: float = 0.0, remix_share: float = 0.0) -> None:
        self.clips = clips
        self.window_samples = window_samples
        self.transition_share = transition_share
        # Speed perturbation: a sound is read up to (1 + speed_range) times faster or slower,
        # so pitch, formants and tempo move together - new instruments, voices and textures
        # from the same clips.  Silence is read as it is (its hum sits at mains frequencies).
        self.speed_range = speed_range
        # Remixing: this share of speech pieces is a clean speech clip over a fresh music or
        # noise piece at the recipe's SNRs, so every voice meets every background.
        self.remix_share = remix_share
        self.clean_speech = np.flatnonzero([d == "clean" for d in clips.details.get("speech", [])])
        self.rms = {label: np.sqrt(np.mean(np.square(a, dtype=np.float32), axis=1))
                    for label, a in clips.audio.items()}

    def _raw(self, rng: np.random.Generator, label: str, length: int,
             among: np.ndarray | None = None) -> tuple[np.ndarray, float]:
        """A stretch of a random clip of ``label`` (of the indices ``among``), unscaled, and
        that clip's RMS."""
        bank = self.clips.audio[label]
        index = int(rng.integers(len(bank))) if among is None else int(rng.choice(among))
        factor = 1.0
        if self.speed_range > 0 and label != "silence":
            factor = float(np.exp(rng.uniform(-1.0, 1.0) * np.log1p(self.speed_range)))
        span = length if factor == 1.0 else min(bank.shape[1], int(np.ceil(length * factor)) + 1)
        start = int(rng.integers(0, bank.shape[1] - span + 1))
        piece = bank[index, start:start + span].astype(np.float32)
        if factor != 1.0:
            # Linear interpolation: a little aliasing above 8 kHz / factor, harmless here.
            piece = np.interp(np.arange(length) * factor, np.arange(span), piece).astype(np.float32)
        return piece, float(self.rms[label][index])

    def piece(self, rng: np.random.Generator, label: str, length: int) -> np.ndarray:
        """``length`` samples of ``label`` at a random level (remixed speech, speed: as set)."""
        if (label == "speech" and self.remix_share > 0 and len(self.clean_speech)
                and rng.random() < self.remix_share):
            return self._remixed_speech(rng, length)
        piece, clip_rms = self._raw(rng, label, length)
        return piece * _level_gain(rng, label, clip_rms)

    def _remixed_speech(self, rng: np.random.Generator, length: int) -> np.ndarray:
        """Clean speech over a music or noise piece at the recipe's SNRs (``speech_snr_db``;
        clip RMS against clip RMS, as the recipe mixes): speech by the labelling rule."""
        speech, speech_rms = self._raw(rng, "speech", length, self.clean_speech)
        other = "music" if rng.random() < 0.5 else "noise"
        background, background_rms = self._raw(rng, other, length)
        snr = speech_snr_db(rng)
        gain = speech_rms / max(background_rms, 1e-9) * 10 ** (-snr / 20)
        mix_rms = float(np.hypot(speech_rms, gain * background_rms))
        return (speech + gain * background) * _level_gain(rng, "speech", mix_rms)

    def batch(self, rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
        """``(windows [size, window_samples] float32, labels [size] int64)``, classes balanced."""
        labels = rng.integers(0, len(CLASSES), size=size)
        windows = np.empty((size, self.window_samples), dtype=np.float32)
        n = self.window_samples
        for row, label_index in enumerate(labels):
            label = CLASSES[label_index]
            if rng.random() < self.transition_share:
                other = CLASSES[(label_index + rng.integers(1, len(CLASSES))) % len(CLASSES)]
                # The labelled class covers the centre: it takes more than half the window.
                split = int(rng.uniform(0.55, 0.95) * n)
                first, second = (label, other) if rng.random() < 0.5 else (other, label)
                if first == other:
                    split = n - split
                windows[row, :split] = self.piece(rng, first, split)
                windows[row, split:] = self.piece(rng, second, n - split)
            else:
                windows[row] = self.piece(rng, label, n)
        np.clip(windows, -1.0, 1.0, out=windows)
        return windows, labels.astype(np.int64)


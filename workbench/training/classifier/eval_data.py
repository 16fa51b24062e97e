"""Held-out test recordings: classes one after another, with known boundaries.

Each recording strings together segments of random classes (never the same
class twice in a row), each 2-6 s long, made from the "eval" split of a
recipe (its own seed stream and voices never used in training) at random
levels.  Segments meet with 5 ms fades, so a cut adds no click.  Sets are
cached (``recordings-*.npz``) because synthesis is slow.

Two sets:

- the *first* set (``recipe="first"``): the first recipe's generators, as the
  first shipped model was scored on (same seeds, same audio);
- a *family* set per held-out family (``recipe="families"``, ``featured``): a
  held-out instrument family plays every piece, or a held-out noise texture
  leads every noise, and its class takes about three segments in eight.

The same family sets of the *validation families* (``split="fv-val"``, voices and
seeds of training) choose between training runs that never heard them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.training.classifier.families import FEATURED, MUSIC_HELD_OUT, MUSIC_VALIDATION
from workbench.training.classifier.recipe import CLASSES, SOUND_LEVELS_DB
from workbench.training.classifier.recipe_families import RECIPES
from workbench.training.synth.arrays import fade, normalize_rms

RECORDINGS = 40
SEGMENTS_PER_RECORDING = 8
SEGMENT_SECONDS = (2.0, 6.0)
# Evaluation levels stay inside the training range, a little away from its edges.
EVAL_LEVELS_DB = (SOUND_LEVELS_DB[0] + 3.0, SOUND_LEVELS_DB[1] - 3.0)


@dataclass(frozen=True, eq=False)
class Recording:
    """A test recording: mono float32 ``audio`` and its segments ``(start, end, label)``."""

    audio: np.ndarray
    segments: tuple[tuple[float, float, str], ...]

    def boundaries(self) -> list[float]:
        """Times where one class gives way to another."""
        return [end for _, end, _ in self.segments[:-1]]

    def label_at(self, times: np.ndarray) -> np.ndarray:
        """Class index at each time (seconds)."""
        out = np.zeros(len(times), dtype=np.int64)
        for start, end, label in self.segments:
            out[(times >= start) & (times < end)] = CLASSES.index(label)
        return out

    def pure(self, starts: np.ndarray, length_s: float) -> np.ndarray:
        """Which windows ``[start, start + length_s)`` lie inside a single segment."""
        inside = np.zeros(len(starts), dtype=bool)
        for start, end, _ in self.segments:
            inside |= (starts >= start - 1e-9) & (starts + length_s <= end + 1e-9)
        return inside


_FAMILY_STREAM = {"eval": 4343, "fv-val": 4545}


def _recording_rng(index: int, recipe: str, featured: str | None,
                   split: str) -> np.random.Generator:
    if recipe == "first":
        return np.random.default_rng([4242, index])
    names = FEATURED[split]
    if featured not in names:
        kind = "held-out" if split == "eval" else "validation"
        raise ValueError(f"{featured!r} is not a {kind} family; use one of {names}")
    return np.random.default_rng([_FAMILY_STREAM[split], names.index(featured), index])


def _next_label(rng: np.random.Generator, previous: str | None, featured_class: str | None) -> str:
    choices = [c for c in CLASSES if c != previous]
    weights = np.array([3.0 if c == featured_class else 1.0 for c in choices])
    return str(rng.choice(choices, p=weights / weights.sum()))


def make_recording(index: int, sample_rate: int = 16000, recipe: str = "first",
                   featured: str | None = None, split: str = "eval") -> Recording:
    """Recording ``index`` of a held-out set (the same arguments give the same audio).

    ``recipe="first"`` is the first set; ``recipe="families"`` needs the family
    ``featured``: a held-out one (``split="eval"``) or a validation one
    (``split="fv-val"``; see ``families.FEATURED``).
    """
    rng = _recording_rng(index, recipe, featured, split)
    synthesize = RECIPES[recipe]
    options = {} if featured is None else {"featured": featured}
    featured_class = None if featured is None else \
        ("music" if featured in MUSIC_HELD_OUT + MUSIC_VALIDATION else "noise")
    pieces, segments, time, previous = [], [], 0.0, None
    for n in range(SEGMENTS_PER_RECORDING):
        label = _next_label(rng, previous, featured_class) if featured else \
            str(rng.choice([c for c in CLASSES if c != previous]))
        seconds = round(float(rng.uniform(*SEGMENT_SECONDS)), 2)
        clip = synthesize(label, split, index * SEGMENTS_PER_RECORDING + n,
                          sample_rate, seconds, **options).audio
        if label != "silence":
            clip = normalize_rms(clip, float(rng.uniform(*EVAL_LEVELS_DB)), max_peak_db=-1.0)
        pieces.append(fade(clip, sample_rate, 0.005, 0.005))
        segments.append((time, time + len(clip) / sample_rate, label))
        time += len(clip) / sample_rate
        previous = label
    return Recording(np.concatenate(pieces).astype(np.float32), tuple(segments))


def load_recordings(folder: str | Path, count: int = RECORDINGS, sample_rate: int = 16000,
                    log=print, recipe: str = "first", featured: str | None = None,
                    split: str = "eval") -> list[Recording]:
    """The first ``count`` recordings of a held-out set, synthesized once and cached in ``folder``."""
    name = f"recordings-{count}-{sample_rate}.npz" if recipe == "first" else \
        f"recordings-{recipe}-{featured}-{count}-{sample_rate}.npz"
    if split != "eval":
        name = f"{split}-{name}"
    path = Path(folder) / name
    if path.exists():
        data = np.load(path, allow_pickle=False)
        meta = json.loads(str(data["segments"]))
        return [Recording(data[f"audio{i}"], tuple(tuple(s) for s in meta[i]))
                for i in range(count)]
    recordings = []
    for i in range(count):
        if i % 5 == 0:
            log(f"synthesizing test recording {i + 1} of {count}"
                + (f" featuring {featured}" if featured else ""))
        recordings.append(make_recording(i, sample_rate, recipe, featured, split))
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {f"audio{i}": r.audio for i, r in enumerate(recordings)}
    segments = json.dumps([[list(s) for s in r.segments] for r in recordings])
    np.savez(path, segments=np.array(segments), **arrays)
    return recordings

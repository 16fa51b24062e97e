"""Held-out test recordings: classes one after another, with known boundaries.

Each recording strings together segments of random classes (never the same
class twice in a row), each 2-6 s long, made from the "eval" split of the
recipe (its own seed stream and voices never used in training) at random
levels.  Segments meet with 5 ms fades, so a cut adds no click.  The set is
cached (``recordings.npz``) because synthesis is slow.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.training.classifier.recipe import CLASSES, SOUND_LEVELS_DB, synthesize_clip
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


def make_recording(index: int, sample_rate: int = 16000) -> Recording:
    """Recording ``index`` of the held-out set (the same index gives the same audio)."""
    rng = np.random.default_rng([4242, index])
    pieces, segments, time, previous = [], [], 0.0, None
    for n in range(SEGMENTS_PER_RECORDING):
        label = str(rng.choice([c for c in CLASSES if c != previous]))
        seconds = round(float(rng.uniform(*SEGMENT_SECONDS)), 2)
        clip = synthesize_clip(label, "eval", index * SEGMENTS_PER_RECORDING + n,
                               sample_rate, seconds).audio
        if label != "silence":
            clip = normalize_rms(clip, float(rng.uniform(*EVAL_LEVELS_DB)), max_peak_db=-1.0)
        pieces.append(fade(clip, sample_rate, 0.005, 0.005))
        segments.append((time, time + len(clip) / sample_rate, label))
        time += len(clip) / sample_rate
        previous = label
    return Recording(np.concatenate(pieces).astype(np.float32), tuple(segments))


def load_recordings(folder: str | Path, count: int = RECORDINGS,
                    sample_rate: int = 16000, log=print) -> list[Recording]:
    """The first ``count`` held-out recordings, synthesized once and cached in ``folder``."""
    path = Path(folder) / f"recordings-{count}-{sample_rate}.npz"
    if path.exists():
        data = np.load(path, allow_pickle=False)
        meta = json.loads(str(data["segments"]))
        return [Recording(data[f"audio{i}"], tuple(tuple(s) for s in meta[i]))
                for i in range(count)]
    recordings = []
    for i in range(count):
        if i % 5 == 0:
            log(f"synthesizing test recording {i + 1} of {count}")
        recordings.append(make_recording(i, sample_rate))
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = {f"audio{i}": r.audio for i, r in enumerate(recordings)}
    segments = json.dumps([[list(s) for s in r.segments] for r in recordings])
    np.savez(path, segments=np.array(segments), **arrays)
    return recordings

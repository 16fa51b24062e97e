"""The document: tracks of block-based samples at one sample rate.

Ownership and threading: a Document belongs to the GUI thread.  Workers get
immutable snapshots (a BlockSequence never changes), so they never lock it.
Every change bumps `revision` and emits `changed`, which is how views and
the job runner learn that results computed from an older state are stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.core.blocks import BlockSequence
from workbench.core.events import Event


@dataclass
class Track:
    """One multichannel lane of audio (a file opens as one track)."""

    name: str
    samples: BlockSequence

    @property
    def channels(self) -> int:
        return self.samples.channels


class Document:
    """Audio being looked at and edited, plus where it came from."""

    def __init__(self, tracks: list[Track], sample_rate: int, path: Path | None = None,
                 info: object | None = None) -> None:
        if sample_rate <= 0:
            raise ValueError("sample rate must be positive")
        self.tracks = list(tracks)
        self.sample_rate = int(sample_rate)
        self.path = path
        self.info = info  # AudioFileInfo of the opened file, if any
        self.revision = 0
        self.changed = Event()  # emitted with no arguments after every change

    @classmethod
    def from_array(cls, samples: np.ndarray, sample_rate: int, name: str = "Audio",
                   path: Path | None = None) -> Document:
        return cls([Track(name, BlockSequence.from_array(samples))], sample_rate, path)

    @property
    def frames(self) -> int:
        return max((t.samples.frames for t in self.tracks), default=0)

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate

    @property
    def channels(self) -> int:
        return sum(t.channels for t in self.tracks)

    @property
    def title(self) -> str:
        return self.path.name if self.path else "Untitled"

    def set_samples(self, track_index: int, samples: BlockSequence) -> None:
        """Replace one track's samples (edits call this) and announce the change."""
        self.tracks[track_index].samples = samples
        self.touch()

    def touch(self) -> None:
        """Record that something changed: bump the revision, tell subscribers."""
        self.revision += 1
        self.changed.emit()

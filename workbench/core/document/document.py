"""The document: tracks of block-based samples at one sample rate.

Ownership and threading: a Document belongs to the GUI thread.  Workers get
immutable snapshots (a BlockSequence never changes), so they never lock it.
Every change of content (samples, tracks, sample rate, labels) bumps
`revision` and emits `changed`, which is how views and the job runner learn
that results computed from an older state are stale.  The selection is view
state: changing it emits only `selection_changed` and leaves `revision` alone,
so selecting never makes a running job's result stale.  `audio_revision` counts
only changes of the audio itself (samples, tracks, sample rate): model jobs
compare it, so that applying one job's labels does not make another stale.
`analyses` holds model results by kind ("transcribe", ...; see analysis.py).

Edits change a document through commands pushed on a History (history.py);
the setters here are what those commands call.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.core import paths
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.selection import Selection, snap_to_zero_crossing
from workbench.core.events import Event
from workbench.core.labels.labels import LabelTier, Tiers


@dataclass
class Track:
    """One multichannel lane of audio (a file opens as one track)."""

    name: str
    samples: BlockSequence

    @property
    def channels(self) -> int:
        return self.samples.channels


class Document:
    """Audio being looked at and edited, plus where it came from.

    Owned by the GUI thread; its events are emitted synchronously on the thread
    that made the change.  Content changes go through commands on a History.
    """

    def __init__(self, tracks: list[Track], sample_rate: int, path: Path | None = None,
                 info: object | None = None, label_tiers: Iterable[LabelTier] = ()) -> None:
        if sample_rate <= 0:
            raise ValueError("sample rate must be positive")
        self.tracks = list(tracks)
        self.sample_rate = int(sample_rate)
        self.path = path
        self.info = info  # AudioFileInfo of the opened file, if any
        self.revision = 0
        self.audio_revision = 0  # bumped only when the audio itself changes
        self.analyses: dict[str, object] = {}  # kind -> result; change with set_analysis
        self.analyses_changed = Event()  # emitted with the kind, just before `changed`
        self.changed = Event()  # emitted with no arguments after every change
        self.selection_changed = Event()  # emitted with the new Selection
        self.labels_changed = Event()  # emitted with no arguments, just before `changed`
        self._selection = Selection()
        self._label_tiers: Tiers = tuple(label_tiers)
        self._batch_depth = 0
        self._pending_change = False
        self._pending_labels = False
        self._pending_selection = False
        self._pending_audio = False
        self._pending_analyses: list[str] = []

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
        return paths.display_name(self.path.name) if self.path else "Untitled"

    def channel_address(self, channel: int) -> tuple[int, int]:
        """(track index, channel within the track) of a flat channel index."""
        for t, track in enumerate(self.tracks):
            if channel < track.channels:
                return t, channel
            channel -= track.channels
        raise IndexError("channel index beyond the document's channels")

    def track_channels(self, track_index: int, channels: Iterable[int] | None) -> list[int]:
        """Which channels of one track a flat channel set names (None: all of them)."""
        first = sum(t.channels for t in self.tracks[:track_index])
        count = self.tracks[track_index].channels
        if channels is None:
            return list(range(count))
        return sorted(c - first for c in channels if first <= c < first + count)

    # -- content changes -------------------------------------------------
    def set_samples(self, track_index: int, samples: BlockSequence) -> None:
        """Replace one track's samples (edits call this) and announce the change."""
        self.tracks[track_index].samples = samples
        self._pending_audio = True
        self.touch()

    def set_tracks(self, tracks: Iterable[Track]) -> None:
        """Replace the list of tracks (splitting or mixing channels calls this)."""
        self.tracks = list(tracks)
        self._pending_audio = True
        self.touch()

    def set_sample_rate(self, sample_rate: int) -> None:
        """Change the rate the samples are played at (resampling commands call this)."""
        if sample_rate <= 0:
            raise ValueError("sample rate must be positive")
        self.sample_rate = int(sample_rate)
        self._pending_audio = True
        self.touch()

    @property
    def label_tiers(self) -> Tiers:
        """The label tiers, top to bottom (an immutable tuple; change it with commands)."""
        return self._label_tiers

    def set_label_tiers(self, tiers: Iterable[LabelTier]) -> None:
        """Replace all label tiers; emits `labels_changed` and `changed`."""
        self._label_tiers = tuple(tiers)
        self._pending_labels = True
        self.touch()

    def set_analysis(self, kind: str, result: object | None) -> None:
        """Store (None: remove) the model result of `kind`; emits `analyses_changed`."""
        if result is None:
            self.analyses.pop(kind, None)
        else:
            self.analyses[kind] = result
        self._pending_analyses.append(kind)
        self.touch()

    def touch(self) -> None:
        """Record that something changed: bump the revision, tell subscribers.

        Inside `batch()` the announcement waits until the batch ends.
        """
        self._pending_change = True
        if self._batch_depth == 0:
            self._flush()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group changes: subscribers hear once, after the block, with one revision bump.

        Commands that touch several tracks use this so that views never draw a
        half-applied edit.  Batches nest.
        """
        self._batch_depth += 1
        try:
            yield
        finally:
            self._batch_depth -= 1
            if self._batch_depth == 0:
                self._flush()

    def _flush(self) -> None:
        if self._pending_change:
            self._pending_change = False
            self.revision += 1
            if self._pending_audio:
                self._pending_audio = False
                self.audio_revision += 1
            clamped = self._selection.clamped(self.frames, self.channels)
            if clamped != self._selection:
                self._selection = clamped
                self._pending_selection = True
            if self._pending_labels:
                self._pending_labels = False
                self.labels_changed.emit()
            kinds, self._pending_analyses = self._pending_analyses, []
            for kind in dict.fromkeys(kinds):
                self.analyses_changed.emit(kind)
            self.changed.emit()
        if self._pending_selection:
            self._pending_selection = False
            self.selection_changed.emit(self._selection)

    # -- selection (view state: no revision bump) ----------------------------
    @property
    def selection(self) -> Selection:
        return self._selection

    def set_selection(self, selection: Selection) -> None:
        """Select `selection`, clamped to the document; emits `selection_changed` if different."""
        clamped = selection.clamped(self.frames, self.channels)
        if clamped == self._selection:
            return
        self._selection = clamped
        self._pending_selection = True
        if self._batch_depth == 0:
            self._flush()

    def select_all(self) -> None:
        """Select every frame of every channel."""
        self.set_selection(Selection(0, self.frames))

    def select_none(self) -> None:
        """Leave a cursor where the selection started, on every channel."""
        self.set_selection(Selection(self._selection.start, self._selection.start))

    def snapped_to_zero_crossings(self, selection: Selection, radius: int) -> Selection:
        """`selection` with both ends moved to the nearest zero crossing within `radius` frames.

        Only the selected channels are looked at; an end with no crossing that
        near stays where it is.
        """
        tracks = [t.samples for t in self.tracks]
        start = snap_to_zero_crossing(tracks, selection.start, radius, selection.channels)
        stop = snap_to_zero_crossing(tracks, selection.stop, radius, selection.channels)
        return Selection.between(start, stop, selection.channels)

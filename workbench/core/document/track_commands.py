"""Edits of the track layout and rate: change sample rate, mix to mono, split to mono tracks.

These replace whole tracks, so they keep the track lists from before and
after (the Track objects and the sequences they held) rather than splices.
The resampling itself is computed outside core, by workbench/ml/resample.py;
`ChangeSampleRateCommand` takes the finished sequences, keeping core free of torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workbench.core.audio.blocks import MAX_NEW_BLOCK_FRAMES, BlockSequence
from workbench.core.document.document import Document, Track
from workbench.core.document.edits import EditError, channel_view, created_bytes, tiers_if_changed
from workbench.core.document.history import Command
from workbench.core.document.selection import Selection
from workbench.core.labels.labels import Tiers, labels_after_rescale, rescale_position


@dataclass(frozen=True)
class _Layout:
    """A document's tracks (with the samples each held), rate, labels and selection."""

    tracks: tuple[tuple[Track, BlockSequence], ...]
    sample_rate: int
    tiers: Tiers
    selection: Selection

    @classmethod
    def of(cls, doc: Document) -> _Layout:
        return cls(tuple((t, t.samples) for t in doc.tracks), doc.sample_rate,
                   doc.label_tiers, doc.selection)

    def restore(self, doc: Document) -> None:
        for track, samples in self.tracks:
            track.samples = samples
        doc.set_tracks(t for t, _ in self.tracks)
        doc.set_sample_rate(self.sample_rate)
        if tiers_if_changed(doc.label_tiers, self.tiers) is not None:
            doc.set_label_tiers(self.tiers)
        doc.set_selection(self.selection)


class TrackLayoutCommand(Command):
    """Base: subclasses build the layout afterwards in `plan(doc)` on the first `do`."""

    def __init__(self) -> None:
        self._before: _Layout | None = None
        self._after: _Layout | None = None
        self._created = 0

    @property
    def size_bytes(self) -> int:
        return self._created

    def plan(self, doc: Document) -> _Layout:
        raise NotImplementedError

    def do(self, doc: Document) -> None:
        if self._after is None:
            after = self.plan(doc)
            self._before, self._after = _Layout.of(doc), after
        self._after.restore(doc)

    def undo(self, doc: Document) -> None:
        assert self._before is not None, "undo before do"
        self._before.restore(doc)


class ChangeSampleRateCommand(TrackLayoutCommand):
    """Swap in resampled audio (one sequence per track) at `sample_rate`.

    Labels and the selection are moved to the same times at the new rate.
    """

    def __init__(self, sample_rate: int, tracks: Sequence[BlockSequence]) -> None:
        super().__init__()
        if sample_rate <= 0:
            raise ValueError("sample rate must be positive")
        self.sample_rate, self.tracks = int(sample_rate), tuple(tracks)
        self.label = f"Resample to {self.sample_rate} Hz"

    def plan(self, doc: Document) -> _Layout:
        if len(self.tracks) != len(doc.tracks):
            raise EditError(f"Resample: got audio for {len(self.tracks)} tracks, the document "
                            f"has {len(doc.tracks)}")
        if self.sample_rate == doc.sample_rate:
            raise EditError(f"Resample: the document is already at {self.sample_rate} Hz")
        for seq, track in zip(self.tracks, doc.tracks, strict=True):
            if seq.channels != track.channels:
                raise EditError(f"Resample: new audio has {seq.channels} channels, track "
                                f"'{track.name}' has {track.channels}")
        self._created = sum(created_bytes(seq) for seq in self.tracks)
        frames = max((seq.frames for seq in self.tracks), default=0)
        old, new = doc.sample_rate, self.sample_rate
        sel = doc.selection
        a = min(frames, rescale_position(sel.start, old, new))
        b = min(frames, rescale_position(sel.stop, old, new))
        return _Layout(tuple((Track(t.name, seq), seq)
                             for t, seq in zip(doc.tracks, self.tracks, strict=True)),
                       new, labels_after_rescale(doc.label_tiers, old, new, frames),
                       sel.with_range(a, b))


def _mix_down(seq: BlockSequence) -> BlockSequence:
    """The average of all channels, as new mono blocks (computed chunk by chunk)."""
    parts = []
    scale = np.float32(seq.channels)
    for a in range(0, seq.frames, MAX_NEW_BLOCK_FRAMES):
        x = seq.read(a, a + MAX_NEW_BLOCK_FRAMES)
        parts.append(BlockSequence.from_array(np.sum(x, axis=1, dtype=np.float32) / scale))
    return BlockSequence([block for part in parts for block in part.blocks], 1)


class MixToMonoCommand(TrackLayoutCommand):
    """Replace every track with more than one channel by the average of its channels."""

    label = "Mix to mono"

    def plan(self, doc: Document) -> _Layout:
        if all(t.channels == 1 for t in doc.tracks):
            raise EditError("Mix to mono: every track is already mono")
        tracks = []
        for t in doc.tracks:
            if t.channels == 1:
                tracks.append((t, t.samples))
            else:
                mono = _mix_down(t.samples)
                self._created += created_bytes(mono)
                tracks.append((Track(t.name, mono), mono))
        return _Layout(tuple(tracks), doc.sample_rate, doc.label_tiers,
                       doc.selection.with_channels(None))


def _channel_names(name: str, count: int) -> list[str]:
    if count == 2:
        return [f"{name} (L)", f"{name} (R)"]
    return [f"{name} ({c + 1})" for c in range(count)]


class SplitToMonoCommand(TrackLayoutCommand):
    """Turn every track with several channels into one mono track per channel.

    The new tracks look at the same samples (no copy).  Flat channel indices
    stay the same, so the channel selection is kept.
    """

    label = "Split stereo to mono tracks"

    def plan(self, doc: Document) -> _Layout:
        if all(t.channels == 1 for t in doc.tracks):
            raise EditError("Split to mono: every track is already mono")
        tracks = []
        for t in doc.tracks:
            if t.channels == 1:
                tracks.append((t, t.samples))
                continue
            for c, name in enumerate(_channel_names(t.name, t.channels)):
                mono = channel_view(t.samples, c)
                tracks.append((Track(name, mono), mono))
        return _Layout(tuple(tracks), doc.sample_rate, doc.label_tiers, doc.selection)

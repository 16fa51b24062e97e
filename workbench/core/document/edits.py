"""The machinery shared by audio edits: splices, new blocks, and the edit base command.

An edit is planned once, on its first `do`: it reads what it needs from the
document and produces an `EditPlan`, a list of splices (track, start, the
blocks it removes, the blocks it inserts) plus the labels and selection
afterwards.  Doing and undoing then only swap blocks, so redo reproduces the
same bits and neither direction ever touches samples.

The concrete edits live in edit_commands.py (cut, paste, ...), effects.py
(gain, fades, ...) and track_commands.py (resampling, channel changes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from workbench.core.audio.blocks import MAX_NEW_BLOCK_FRAMES, Block, BlockSequence
from workbench.core.audio.sample_source import SampleSource
from workbench.core.document.document import Document
from workbench.core.document.history import Command
from workbench.core.document.selection import Selection
from workbench.core.labels.labels import Tiers

BYTES_PER_SAMPLE = 4  # new samples are float32


class EditError(ValueError):
    """An edit cannot be applied to this document; the message is meant for the user."""


@dataclass(frozen=True)
class Splice:
    """Frames [start, start + len(removed)) of one track were replaced by `inserted`."""

    track: int
    start: int
    removed: BlockSequence
    inserted: BlockSequence

    def apply(self, doc: Document) -> None:
        seq = doc.tracks[self.track].samples
        doc.set_samples(self.track, seq.replace(self.start, self.start + self.removed.frames,
                                                self.inserted))

    def revert(self, doc: Document) -> None:
        seq = doc.tracks[self.track].samples
        doc.set_samples(self.track, seq.replace(self.start, self.start + self.inserted.frames,
                                                self.removed))


@dataclass(frozen=True)
class EditPlan:
    """What an edit does: splices applied in order, then labels and selection.

    `tiers` and `selection` are the state afterwards (None: left as it was).
    `created_bytes` counts the new samples the inserted blocks hold.
    """

    label: str
    splices: tuple[Splice, ...]
    tiers: Tiers | None = None
    selection: Selection | None = None
    created_bytes: int = 0


class SampleEditCommand(Command):
    """Base of the audio edits: subclasses implement `plan(doc)`.

    The plan is made on the first `do` from the document as it is then, and
    kept: later `do`s replay it.  Ownership: the command keeps the blocks it
    removed and inserted (shared with the document, never copied).
    """

    label = "Edit"

    def __init__(self) -> None:
        self._plan: EditPlan | None = None
        self._selection_before: Selection | None = None
        self._tiers_before: Tiers = ()

    def plan(self, doc: Document) -> EditPlan:
        """Work out the edit on `doc`; raise EditError (changing nothing) if it cannot apply."""
        raise NotImplementedError

    @property
    def size_bytes(self) -> int:
        return self._plan.created_bytes if self._plan else 0

    def do(self, doc: Document) -> None:
        if self._plan is None:
            plan = self.plan(doc)
            self._selection_before, self._tiers_before = doc.selection, doc.label_tiers
            self._plan, self.label = plan, plan.label
        for splice in self._plan.splices:
            splice.apply(doc)
        if self._plan.tiers is not None:
            doc.set_label_tiers(self._plan.tiers)
        if self._plan.selection is not None:
            doc.set_selection(self._plan.selection)

    def undo(self, doc: Document) -> None:
        assert self._plan is not None, "undo before do"
        for splice in reversed(self._plan.splices):
            splice.revert(doc)
        if self._plan.tiers is not None:
            doc.set_label_tiers(self._tiers_before)
        if self._selection_before is not None:
            doc.set_selection(self._selection_before)


# -- checks ------------------------------------------------------------------------

def check_range(doc: Document, start: int, stop: int, what: str) -> None:
    """Raise EditError unless [start, stop) is a non-empty range inside the document."""
    if not 0 <= start <= stop <= doc.frames:
        raise EditError(f"{what}: the range {start}..{stop} is outside the audio "
                        f"(0..{doc.frames} frames)")
    if start == stop:
        raise EditError(f"{what} needs a selection")


def selected_tracks(doc: Document, channels: frozenset[int] | None) -> list[tuple[int, list[int]]]:
    """(track index, channels of that track) for every track with a selected channel."""
    out = []
    for t in range(len(doc.tracks)):
        chans = doc.track_channels(t, channels)
        if chans:
            out.append((t, chans))
    if not out:
        raise EditError("none of the selected channels exists in this document")
    return out


# -- making blocks -----------------------------------------------------------------

def silence(frames: int, channels: int) -> BlockSequence:
    """`frames` frames of digital silence that take no memory.

    The blocks look at one read-only broadcast array of zeros, so inserting an
    hour of silence costs nothing to keep in the undo history.
    """
    size = min(frames, MAX_NEW_BLOCK_FRAMES)
    if size <= 0:
        return BlockSequence.empty(channels)
    zeros = np.broadcast_to(np.zeros((1, channels), np.float32), (size, channels))
    source = SampleSource(zeros)
    return BlockSequence([Block(source, 0, min(size, frames - i))
                          for i in range(0, frames, size)], channels)


# A transform renders `count` frames starting `offset` frames into a range of
# `total` frames; `read(a, b)` returns frames [a, b) of the original range.
Transform = Callable[[Callable[[int, int], np.ndarray], int, int, int], np.ndarray]


def render_in_place(seq: BlockSequence, start: int, stop: int, channels: Sequence[int],
                    transform: Transform) -> BlockSequence:
    """New blocks for frames [start, stop) of `seq` with `transform` applied to `channels`.

    Work goes chunk by chunk (one new block each), so a long range never needs
    more than a chunk of scratch memory beyond its result.  Channels not named
    keep their original samples.
    """
    total = stop - start
    all_channels = len(channels) == seq.channels

    def read(a: int, b: int) -> np.ndarray:
        return seq.read(start + a, start + b)

    blocks = []
    for offset in range(0, total, MAX_NEW_BLOCK_FRAMES):
        count = min(MAX_NEW_BLOCK_FRAMES, total - offset)
        rendered = np.asarray(transform(read, offset, count, total), dtype=np.float32)
        if all_channels:
            out = rendered
        else:
            out = read(offset, offset + count)
            out[:, channels] = rendered[:, channels]
        blocks.append(Block(SampleSource.from_array(out), 0, count))
    return BlockSequence(blocks, seq.channels)


def created_bytes(seq: BlockSequence) -> int:
    """Memory held by a sequence of newly made in-memory samples."""
    return seq.frames * seq.channels * BYTES_PER_SAMPLE


def channel_view(seq: BlockSequence, channel: int, width: int = 1) -> BlockSequence:
    """One channel of `seq`, repeated `width` times, without copying samples.

    The new blocks look at the original sources through read-only numpy views
    (a slice, broadcast to `width` columns).  Each view covers at most
    MAX_NEW_BLOCK_FRAMES frames, so its peak summary is cheap to build on demand.
    """
    if not 0 <= channel < seq.channels:
        raise IndexError(f"channel {channel} outside 0..{seq.channels - 1}")
    blocks = []
    for block in seq.blocks:
        data = np.asarray(block.source.data)  # a plain view, also of a memmap
        for a in range(block.start, block.start + block.length, MAX_NEW_BLOCK_FRAMES):
            b = min(a + MAX_NEW_BLOCK_FRAMES, block.start + block.length)
            column = np.broadcast_to(data[a:b, channel : channel + 1], (b - a, width))
            source = SampleSource(column, block.source.scale, block.source.sanitize)
            blocks.append(Block(source, 0, b - a))
    return BlockSequence(blocks, width)


def tiers_if_changed(before: Tiers, after: Tiers) -> Tiers | None:
    """`after`, or None when every tier is the very same object as before."""
    if len(before) == len(after) and all(a is b for a, b in zip(before, after, strict=True)):
        return None
    return after

"""Sequences of immutable sample blocks (Audacity's sample-block design).

A `Block` is a window [start, start+length) onto a `SampleSource`.  A
`BlockSequence` is an immutable tuple of blocks; editing returns a new
sequence that shares every untouched block with the old one.  Cutting,
inserting or undoing therefore costs O(number of blocks), never O(samples),
and an undo entry only has to remember the blocks it replaced.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from workbench.core.audio.sample_source import SampleSource

# Samples produced by edits are stored in blocks of at most this many frames,
# so that a later edit inside them copies little.
MAX_NEW_BLOCK_FRAMES = 1 << 20


@dataclass(frozen=True, eq=False)
class Block:
    source: SampleSource
    start: int
    length: int

    def read(self, offset: int = 0, count: int | None = None) -> np.ndarray:
        count = self.length - offset if count is None else count
        return self.source.read(self.start + offset, self.start + offset + count)

    def slice(self, offset: int, count: int) -> Block:
        return Block(self.source, self.start + offset, count)


class BlockSequence:
    """An immutable run of blocks with the same channel count.

    Frame positions are document frames.  All methods return new sequences.
    """

    __slots__ = ("_blocks", "_starts", "channels", "memo")

    def __init__(self, blocks: Sequence[Block], channels: int) -> None:
        self._blocks: tuple[Block, ...] = tuple(b for b in blocks if b.length > 0)
        for b in self._blocks:
            if b.source.channels != channels:
                raise ValueError("block channel count differs from the sequence's")
        self.channels = channels
        starts = [0]
        for b in self._blocks:
            starts.append(starts[-1] + b.length)
        self._starts = starts  # len(blocks) + 1 entries; last one is the total
        # Results of pure functions of this (immutable) sequence, e.g. the last
        # waveform columns asked for, which every channel's view shares.
        self.memo: dict = {}

    # -- construction -------------------------------------------------
    @classmethod
    def from_source(cls, source: SampleSource) -> BlockSequence:
        return cls([Block(source, 0, source.frames)], source.channels)

    @classmethod
    def from_array(cls, samples: np.ndarray) -> BlockSequence:
        """New in-memory blocks holding a copy of `samples` (frames x channels)."""
        arr = np.asarray(samples, dtype=np.float32)
        if arr.ndim == 1:
            arr = arr[:, None]
        blocks = [
            Block(SampleSource.from_array(arr[i : i + MAX_NEW_BLOCK_FRAMES]), 0,
                  min(MAX_NEW_BLOCK_FRAMES, len(arr) - i))
            for i in range(0, len(arr), MAX_NEW_BLOCK_FRAMES)
        ]
        return cls(blocks, arr.shape[1])

    @classmethod
    def empty(cls, channels: int) -> BlockSequence:
        return cls([], channels)

    # -- queries --------------------------------------------------------
    @property
    def frames(self) -> int:
        return self._starts[-1]

    @property
    def blocks(self) -> tuple[Block, ...]:
        return self._blocks

    def __len__(self) -> int:
        return self.frames

    def spans(self, start: int, stop: int) -> Iterator[tuple[int, Block, int, int]]:
        """Yield (doc_frame, block, offset_in_block, count) covering [start, stop)."""
        start, stop = max(0, start), min(self.frames, stop)
        if start >= stop:
            return
        i = bisect.bisect_right(self._starts, start) - 1
        pos = start
        while pos < stop and i < len(self._blocks):
            b, b0 = self._blocks[i], self._starts[i]
            off = pos - b0
            count = min(b.length - off, stop - pos)
            yield pos, b, off, count
            pos += count
            i += 1

    def read(self, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Frames [start, stop) as float32 (frames x channels); clipped to the sequence."""
        stop = self.frames if stop is None else stop
        start, stop = max(0, start), min(self.frames, stop)
        out = np.empty((max(0, stop - start), self.channels), dtype=np.float32)
        for pos, b, off, count in self.spans(start, stop):
            out[pos - start : pos - start + count] = b.read(off, count)
        return out

    # -- editing (all O(blocks)) ----------------------------------------
    def slice(self, start: int, stop: int) -> BlockSequence:
        """The frames [start, stop) as a sequence sharing this one's blocks."""
        return BlockSequence([b.slice(off, n) for _, b, off, n in self.spans(start, stop)],
                             self.channels)

    def replace(self, start: int, stop: int, new: BlockSequence) -> BlockSequence:
        """A sequence with [start, stop) replaced by `new` (which may differ in length)."""
        if new.channels != self.channels:
            raise ValueError("cannot splice audio with a different channel count")
        head = self.slice(0, start)._blocks
        tail = self.slice(stop, self.frames)._blocks
        return BlockSequence(head + new._blocks + tail, self.channels)

    def insert(self, at: int, new: BlockSequence) -> BlockSequence:
        return self.replace(at, at, new)

    def delete(self, start: int, stop: int) -> BlockSequence:
        return self.replace(start, stop, BlockSequence.empty(self.channels))

    def concat(self, other: BlockSequence) -> BlockSequence:
        return self.replace(self.frames, self.frames, other)

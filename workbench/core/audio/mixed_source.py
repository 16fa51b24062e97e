"""A sample source computed on read: a * x + b * y of two block sequences, never stored.

The enhancer review plays and draws versions of a span that are sums of two others
(the dry/wet mix: wet * enhanced + (1 - wet) * original; what was removed:
original - that mix).  Storing each would cost a full copy of the span per version;
`mixed_sequence` instead gives a BlockSequence whose one block reads the two inputs
for just the frames asked and mixes them (the player reads a block at a time).
`channels` picks input channels (a track's share of a multi-track mix).

Immutable, so it may be read from any thread, like every SampleSource.  It is for
listening and looking: never put it into a document (edits and saving expect
stored samples).
"""

from __future__ import annotations

import numpy as np

from workbench.core.audio.blocks import Block, BlockSequence
from workbench.core.audio.sample_source import SampleSource


class MixedSource(SampleSource):
    """a * x + b * y over `channels` of x and y (see the module docstring)."""

    def __init__(self, x: BlockSequence, y: BlockSequence, a: float, b: float,
                 channels: slice | None = None) -> None:
        if x.frames != y.frames or x.channels != y.channels:
            raise ValueError("a mix needs two sequences of the same shape")
        self.x, self.y, self.a, self.b = x, y, np.float32(a), np.float32(b)
        self.columns = channels if channels is not None else slice(0, x.channels)
        width = len(range(x.channels)[self.columns])
        # No samples behind it: a zero-strided view only says frames x channels.
        super().__init__(np.broadcast_to(np.zeros((1, 1), np.float32), (x.frames, width)))

    def read(self, start: int, stop: int) -> np.ndarray:
        out = self.x.read(start, stop)[:, self.columns] * self.a
        if self.b:
            out += self.y.read(start, stop)[:, self.columns] * self.b
        return np.ascontiguousarray(out, np.float32)

    def read_raw(self, start: int, stop: int) -> np.ndarray:
        return self.read(start, stop)


def mixed_sequence(x: BlockSequence, y: BlockSequence, a: float, b: float,
                   channels: slice | None = None) -> BlockSequence:
    """a * x + b * y as a BlockSequence computed on read."""
    source = MixedSource(x, y, a, b, channels)
    return BlockSequence([Block(source, 0, source.frames)], source.channels)


def stored(seq: BlockSequence, chunk_frames: int = 1 << 20) -> BlockSequence:
    """`seq` with its samples computed and stored (in-memory blocks), a chunk at a time."""
    out = BlockSequence.empty(seq.channels)
    for start in range(0, seq.frames, chunk_frames):
        out = out.concat(BlockSequence.from_array(seq.read(start, start + chunk_frames)))
    return out

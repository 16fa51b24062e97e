"""Reading a recording's blocks while it is being made (the live tasks' shared loop).

A live task gets `next_block(timeout_s)` from whoever feeds it (another thread; this
module starts none): it returns a float32 block, NO_BLOCK when nothing arrived in
time, or None once the recording ended.  Torch-free, so the runtime's feeder can
name NO_BLOCK without loading a model family.
"""

from __future__ import annotations

import queue
from collections.abc import Callable

import numpy as np

NO_BLOCK = "no block"  # next_block's answer when nothing arrived in time
WAIT_S = 0.02


def waiting_blocks(next_block: Callable[[float], object]) -> tuple[np.ndarray | None, bool]:
    """All blocks waiting now (after up to WAIT_S for the first), joined, or None when
    none came; and whether the recording ended.  Taking the whole backlog lets one
    model pass catch up after a stall."""
    pieces, block = [], next_block(WAIT_S)
    while block is not None and not isinstance(block, str):
        pieces.append(block)
        block = next_block(0.0)
    return (np.concatenate(pieces) if pieces else None), block is None


def queue_reader(blocks: queue.SimpleQueue) -> Callable[[float], object]:
    """`next_block` reading a queue that another thread fills (None last)."""

    def next_block(timeout_s: float):
        try:
            return blocks.get(timeout=timeout_s)
        except queue.Empty:
            return NO_BLOCK

    return next_block

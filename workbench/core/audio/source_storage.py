"""Sample sources as stored bytes: what project files and recovery journals write.

A source is stored as its raw rows in the dtype it holds (int16 stays int16,
so an opened 16-bit WAV costs half of what float32 would) plus the facts
needed to read them back as the same floats: dtype, channel count, scale and
the NaN/Inf flag.  A source whose rows are all one row (digital silence is a
zero-stride broadcast, see edits.silence) is stored as that single row.

Pure functions, any thread.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from workbench.core.audio.sample_source import SampleSource


def is_constant(source: SampleSource) -> bool:
    """Whether every frame of `source` is the same row (a zero-stride broadcast)."""
    return source.frames > 0 and source.data.strides[0] == 0


def source_meta(source: SampleSource) -> dict:
    """The JSON-able facts, besides the rows, that rebuild `source` bit for bit."""
    return {"dtype": source.data.dtype.str, "channels": source.channels,
            "scale": source.scale, "sanitize": bool(source.sanitize),
            "constant": is_constant(source)}


def raw_rows(source: SampleSource, start: int, stop: int) -> np.ndarray:
    """Frames [start, stop) as a C-contiguous array in the stored dtype (the bytes to write)."""
    return np.ascontiguousarray(source.read_raw(start, stop))


def rows_per_chunk(meta: Mapping, chunk_bytes: int) -> int:
    """How many frames fit in a chunk of about `chunk_bytes` bytes (at least one)."""
    row = np.dtype(meta["dtype"]).itemsize * int(meta["channels"])
    return max(1, chunk_bytes // row)


def source_from_rows(meta: Mapping, rows: np.ndarray, frames: int) -> SampleSource:
    """A source of `frames` frames over stored `rows` (one row if the meta says constant).

    `rows` may be a memmap (it then keeps being read from disk) or an array;
    it is made read-only either way.
    """
    if meta["constant"]:
        data = np.broadcast_to(rows[:1], (frames, int(meta["channels"])))
    else:
        data = rows
        if data.flags.writeable:
            data.setflags(write=False)
    return SampleSource(data, float(meta["scale"]), sanitize=bool(meta["sanitize"]))


def stored_frames(meta: Mapping, frames: int) -> int:
    """How many rows are actually stored for a source of `frames` frames."""
    return min(frames, 1) if meta["constant"] else frames

"""Immutable sample sources: where a document's samples actually live.

A source is a read-only 2-D array of frames x channels, either memory-mapped
from disk (the user's WAV file, or a float32 decode cache for compressed files)
or held in memory (samples produced by an edit).  Blocks (see blocks.py) are
windows onto a source; many blocks may share one source, which is why a cut or
an undo never copies samples.

Thread-safety: a source never changes after construction, so it may be read
from any thread.  Its peak pyramid is attached once, by whoever builds it.
"""

from __future__ import annotations

import itertools
import os
import weakref
from dataclasses import dataclass, field

import numpy as np

_ids = itertools.count(1)


@dataclass(eq=False)
class SampleSource:
    """Frames x channels of samples, read as float32 in [-1, 1].

    `data` is a 2-D array (np.memmap or ndarray) of any numeric dtype; `scale`
    turns its values into float amplitudes (1/32768 for int16, 1 for float).
    `sanitize` is set when the data holds NaN/Inf: reads replace them by 0.
    """

    data: np.ndarray
    scale: float = 1.0
    sanitize: bool = False
    id: int = field(default_factory=lambda: next(_ids))
    peaks: object | None = None  # PeakPyramid, attached once built

    def __post_init__(self) -> None:
        if self.data.ndim != 2:
            raise ValueError("a sample source must be 2-D (frames x channels)")
        self._fd: int | None = None
        if isinstance(self.data, np.memmap) and self.data.filename:
            # Reads go through pread() on this descriptor, not through the mapping:
            # the page cache then holds the file's bytes instead of this process,
            # so looking at (or exporting) an hour of audio does not grow resident
            # memory by the file's size.  The descriptor keeps the opened inode,
            # exactly like the mapping, if the file is later replaced.
            self._fd = os.open(self.data.filename, os.O_RDONLY)
            weakref.finalize(self, os.close, self._fd)

    @classmethod
    def from_array(cls, samples: np.ndarray) -> SampleSource:
        """Wrap float samples (frames x channels, or 1-D mono) held in memory."""
        arr = np.asarray(samples, dtype=np.float32)
        if arr.ndim == 1:
            arr = arr[:, None]
        arr = np.ascontiguousarray(arr)
        arr.setflags(write=False)
        return cls(arr, 1.0, sanitize=not bool(np.isfinite(arr).all()))

    @property
    def frames(self) -> int:
        return int(self.data.shape[0])

    @property
    def channels(self) -> int:
        return int(self.data.shape[1])

    def opened_file_stat(self) -> os.stat_result | None:
        """os.fstat of the file a memory-mapped source reads; None for data in memory.

        It describes the file as it was opened, which is not what the path names
        any more once the file has been replaced (recovery journals check this).
        """
        return None if self._fd is None else os.fstat(self._fd)

    def read(self, start: int, stop: int) -> np.ndarray:
        """Frames [start, stop) as a new float32 array (frames x channels)."""
        out = self.read_raw(start, stop).astype(np.float32, copy=True)
        if self.scale != 1.0:
            out *= np.float32(self.scale)
        if self.sanitize:
            np.nan_to_num(out, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
        return out

    def read_raw(self, start: int, stop: int) -> np.ndarray:
        """Frames [start, stop) in the stored dtype, without scaling (read-only)."""
        if self._fd is None:
            return self.data[start:stop]
        start, stop = max(0, min(start, self.frames)), max(0, min(stop, self.frames))
        row = self.data.dtype.itemsize * self.channels
        count = max(0, stop - start) * row
        buf = os.pread(self._fd, count, self.data.offset + start * row) if count else b""
        return np.frombuffer(buf, self.data.dtype).reshape(-1, self.channels)

"""Exact min/max summaries of samples for drawing waveforms at any zoom.

A `PeakPyramid` belongs to one SampleSource and holds the min and max of every
run of 256, 4096 and 65536 frames per channel (Audacity keeps 256 and 65536).
A waveform column covering many frames is answered from the coarsest level
whose cells fit at least twice into the column; column edges snap to that
level's cells, and the partial cells at the ends of a block are read from the
raw samples.  Every sample belongs to exactly one column, so a single-sample
spike is never hidden, whatever the zoom.

Threading: `build()` runs on a worker thread and fills the arrays in place,
publishing progress through `frames_ready`; queries on the GUI thread only
look at cells below `frames_ready`.  Sources made by edits are small and get
their pyramid built synchronously on first use.
"""

from __future__ import annotations

from collections.abc import Generator

import numpy as np

from workbench.core.blocks import BlockSequence
from workbench.core.jobs import CancelToken, Progress
from workbench.core.sample_source import SampleSource

CELL_SIZES = (256, 4096, 65536)
CHUNK_FRAMES = 1 << 20  # a multiple of the largest cell size
SYNC_BUILD_LIMIT = 1 << 22  # sources up to this many frames are summarized on demand


class PeakPyramid:
    """Min/max per cell at three resolutions for one source (raw dtype values)."""

    def __init__(self, source: SampleSource) -> None:
        self.source = source
        ch, dtype = source.channels, source.data.dtype
        self.mins = [np.zeros((-(-source.frames // b), ch), dtype) for b in CELL_SIZES]
        self.maxs = [np.zeros((-(-source.frames // b), ch), dtype) for b in CELL_SIZES]
        self.frames_ready = 0
        self.nonfinite_samples = 0

    @classmethod
    def of(cls, source: SampleSource) -> PeakPyramid:
        """The source's pyramid, building it now if the source is small and has none."""
        if source.peaks is None:
            pyramid = cls(source)
            for _ in pyramid.build():
                pass
            source.peaks = pyramid
        return source.peaks  # type: ignore[return-value]

    # -- building ------------------------------------------------------
    def build(self, cancel: CancelToken | None = None) -> Generator[Progress, None, PeakPyramid]:
        """Summarize the whole source chunk by chunk (a task; see core/jobs.py)."""
        total = self.source.frames
        for start in range(0, total, CHUNK_FRAMES):
            if cancel is not None:
                cancel.check()
            stop = min(total, start + CHUNK_FRAMES)
            self._summarize_chunk(start, self._read_chunk(start, stop))
            self.frames_ready = stop
            yield Progress(stop / total, "Reading peaks")
        self.frames_ready = total
        return self

    def _read_chunk(self, start: int, stop: int) -> np.ndarray:
        data = self.source.data
        if isinstance(data, np.memmap) and data.filename:
            # Read through the file rather than the mapping: the page cache then
            # holds the bytes, not this process, so opening a big file does not
            # grow resident memory by the file's size.
            row = data.dtype.itemsize * data.shape[1]
            with open(data.filename, "rb") as f:
                f.seek(data.offset + start * row)
                raw = np.fromfile(f, dtype=data.dtype, count=(stop - start) * data.shape[1])
            chunk = raw.reshape(-1, data.shape[1])
        else:
            chunk = np.asarray(data[start:stop])
        if chunk.dtype.kind == "f" and not np.isfinite(chunk).all():
            bad = ~np.isfinite(chunk)
            self.nonfinite_samples += int(bad.sum())
            self.source.sanitize = True
            chunk = np.where(bad, chunk.dtype.type(0), chunk)
        return chunk

    def _summarize_chunk(self, start: int, chunk: np.ndarray) -> None:
        for level, size in enumerate(CELL_SIZES):
            first = start // size
            n_full = len(chunk) // size
            for c in range(chunk.shape[1]):
                col = chunk[:, c]
                if n_full:
                    cells = col[: n_full * size].reshape(n_full, size)
                    self.mins[level][first : first + n_full, c] = cells.min(axis=1)
                    self.maxs[level][first : first + n_full, c] = cells.max(axis=1)
                if len(col) > n_full * size:  # the source's last, partial cell
                    rest = col[n_full * size :]
                    self.mins[level][first + n_full, c] = rest.min()
                    self.maxs[level][first + n_full, c] = rest.max()

    # -- queries ---------------------------------------------------------
    def columns(self, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Min and max (float32, columns x channels) of source frames between `edges`.

        `edges` holds increasing source frame positions, one more than the columns.
        Columns beyond what has been summarized so far come back as NaN.
        """
        edges = np.asarray(edges, dtype=np.int64)
        n_cols = len(edges) - 1
        lo = np.full((n_cols, self.source.channels), np.nan, np.float32)
        hi = lo.copy()
        start, stop = int(edges[0]), min(int(edges[-1]), self.frames_ready)
        if stop <= start:
            return lo, hi
        width = np.diff(edges).min() if n_cols else 0
        level = next((i for i in reversed(range(len(CELL_SIZES)))
                      if CELL_SIZES[i] * 2 <= width), None)
        if level is None:
            _reduce_into(lo, hi, edges, self.source.read_raw(start, stop), start, stop)
        else:
            self._cells_into(lo, hi, edges, level, start, stop)
        scale = np.float32(self.source.scale)
        return lo * scale, hi * scale

    def _cells_into(self, lo, hi, edges, level, start, stop) -> None:
        size = CELL_SIZES[level]
        a, b = -(-start // size) * size, stop // size * size  # whole cells inside
        if a >= b:
            _reduce_into(lo, hi, edges, self.source.read_raw(start, stop), start, stop)
            return
        snapped = edges.copy()
        snapped[1:-1] = np.round(edges[1:-1] / size).astype(np.int64) * size
        snapped = np.clip(np.maximum.accumulate(snapped), a, b)
        cells_lo = self.mins[level][a // size : b // size]
        cells_hi = self.maxs[level][a // size : b // size]
        _reduce_cells_into(lo, hi, (snapped - a) // size, cells_lo, cells_hi)
        for s, e in ((start, a), (b, stop)):  # partial cells at the ends: raw samples
            if e > s:
                col = int(np.searchsorted(snapped, s, "right") - 1) if s >= a else 0
                col = min(max(col, 0), len(lo) - 1)
                raw = self.source.read_raw(s, e)
                lo[col] = np.fmin(lo[col], raw.min(axis=0))
                hi[col] = np.fmax(hi[col], raw.max(axis=0))


def _reduce_into(lo, hi, edges, raw, start, stop) -> None:
    """Exact per-column min/max from raw frames [start, stop)."""
    idx = np.clip(edges, start, stop) - start
    _reduce_cells_into(lo, hi, idx, raw, raw)


def _reduce_cells_into(lo, hi, idx, cells_lo, cells_hi) -> None:
    """Fold cells[idx[i]:idx[i+1]] into column i, skipping empty columns."""
    starts, ends = idx[:-1], idx[1:]
    nonempty = ends > starts
    if not nonempty.any():
        return
    s = starts[nonempty]
    col_lo = np.minimum.reduceat(cells_lo, s, axis=0)
    col_hi = np.maximum.reduceat(cells_hi, s, axis=0)
    # reduceat runs each segment to the next start; the last one must stop at its end
    last_end = ends[nonempty][-1]
    col_lo[-1] = cells_lo[s[-1] : last_end].min(axis=0)
    col_hi[-1] = cells_hi[s[-1] : last_end].max(axis=0)
    lo[nonempty] = np.fmin(lo[nonempty], col_lo)
    hi[nonempty] = np.fmax(hi[nonempty], col_hi)


def sequence_columns(samples: BlockSequence, start: int, stop: int,
                     n_columns: int) -> tuple[np.ndarray, np.ndarray]:
    """Min/max per column (columns x channels, float32) of document frames [start, stop).

    The range is split into `n_columns` equal parts; blocks from different sources
    are summarized by their own pyramids and folded together.
    """
    edges = np.round(np.linspace(start, stop, n_columns + 1)).astype(np.int64)
    lo = np.full((n_columns, samples.channels), np.nan, np.float32)
    hi = lo.copy()
    for pos, block, off, count in samples.spans(start, stop):
        first = max(0, int(np.searchsorted(edges, pos, "right")) - 1)
        last = min(n_columns, int(np.searchsorted(edges, pos + count, "left")))
        sub = np.clip(edges[first : last + 1], pos, pos + count) - pos + block.start + off
        pyramid = _pyramid_for(block.source)
        if pyramid is None:
            continue
        b_lo, b_hi = pyramid.columns(sub)
        lo[first:last] = np.fmin(lo[first:last], b_lo)
        hi[first:last] = np.fmax(hi[first:last], b_hi)
    return lo, hi


def _pyramid_for(source: SampleSource) -> PeakPyramid | None:
    if source.peaks is not None:
        return source.peaks  # type: ignore[return-value]
    if source.frames <= SYNC_BUILD_LIMIT:
        return PeakPyramid.of(source)
    return None  # a big source whose pyramid is still being built elsewhere

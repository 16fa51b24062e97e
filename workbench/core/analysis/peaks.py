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

import threading
from collections.abc import Generator

import numpy as np

from workbench.core.audio.audio_stats import AudioStats, sums_of_squares
from workbench.core.audio.blocks import BlockSequence
from workbench.core.audio.sample_source import SampleSource
from workbench.core.jobs import CancelToken, Progress

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
        self.nonfinite_samples = 0
        self._chunk_done = np.zeros(-(-source.frames // CHUNK_FRAMES), bool)
        # Sum of squares per chunk and channel (raw units), so the levels come
        # from the same pass over the file as the peaks (a second pass doubled
        # the time an hour-long file took to be fully measured).
        self._chunk_sumsq = np.zeros((len(self._chunk_done), ch), np.float64)
        self._ready_chunks = 0  # every chunk below this one is summarized
        self._lock = threading.Lock()

    @classmethod
    def of(cls, source: SampleSource) -> PeakPyramid:
        """The source's pyramid, building it now if the source is small and has none."""
        if source.peaks is None:
            pyramid = cls(source)
            for _ in pyramid.build():
                pass
            source.peaks = pyramid
        return source.peaks  # type: ignore[return-value]

    @property
    def frames_ready(self) -> int:
        """Frames from the start that queries may use (a contiguous prefix)."""
        return min(self.source.frames, self._ready_chunks * CHUNK_FRAMES)

    @property
    def complete(self) -> bool:
        return self._ready_chunks == len(self._chunk_done)

    # -- building ------------------------------------------------------
    def build(self, cancel: CancelToken | None = None, part: int = 0,
              parts: int = 1) -> Generator[Progress, None, PeakPyramid]:
        """Summarize chunks part, part+parts, ... (a task; see core/jobs.py).

        Several parts may run at once on different workers: numpy releases the
        GIL in these reductions, so two parts use two cores.
        """
        chunks = range(part, len(self._chunk_done), parts)
        for i, chunk_index in enumerate(chunks):
            if cancel is not None:
                cancel.check()
            start = chunk_index * CHUNK_FRAMES
            stop = min(self.source.frames, start + CHUNK_FRAMES)
            self._summarize_chunk(start, self._read_chunk(start, stop), chunk_index)
            self._mark_done(chunk_index)
            yield Progress((i + 1) / len(chunks), "Reading peaks")
        return self

    def _raw(self, start: int, stop: int) -> np.ndarray:
        """Raw samples for exact extremes, with non-finite values read as 0 (as drawn)."""
        raw = self.source.read_raw(start, stop)
        if self.source.sanitize:
            raw = np.nan_to_num(raw, nan=0.0, posinf=0.0, neginf=0.0)
        return raw

    def _mark_done(self, chunk_index: int) -> None:
        with self._lock:
            self._chunk_done[chunk_index] = True
            while (self._ready_chunks < len(self._chunk_done)
                   and self._chunk_done[self._ready_chunks]):
                self._ready_chunks += 1

    def _read_chunk(self, start: int, stop: int) -> np.ndarray:
        chunk = self.source.read_raw(start, stop)
        if chunk.dtype.kind == "f" and not np.isfinite(chunk).all():
            bad = ~np.isfinite(chunk)
            with self._lock:
                self.nonfinite_samples += int(bad.sum())
            self.source.sanitize = True
            chunk = np.where(bad, chunk.dtype.type(0), chunk)
        return chunk

    def _summarize_chunk(self, start: int, chunk: np.ndarray, chunk_index: int = -1) -> None:
        # Channels x frames, so each reduction runs over contiguous memory (SIMD).
        planar = np.ascontiguousarray(chunk.T)
        if chunk_index >= 0:
            self._chunk_sumsq[chunk_index] = sums_of_squares(planar)
        size, first = CELL_SIZES[0], start // CELL_SIZES[0]
        full = planar.shape[1] // size
        lo, hi = self.mins[0], self.maxs[0]
        if full:
            cells = planar[:, : full * size].reshape(planar.shape[0], full, size)
            lo[first : first + full] = cells.min(axis=2).T
            hi[first : first + full] = cells.max(axis=2).T
        if planar.shape[1] > full * size:  # the source's last, partial cell
            lo[first + full] = planar[:, full * size :].min(axis=1)
            hi[first + full] = planar[:, full * size :].max(axis=1)
        count = -(-planar.shape[1] // size)
        src_lo, src_hi = lo[first : first + count], hi[first : first + count]
        for level in range(1, len(CELL_SIZES)):  # coarser levels fold the finer ones
            factor = CELL_SIZES[level] // CELL_SIZES[level - 1]
            groups = np.arange(0, len(src_lo), factor)
            src_lo = np.minimum.reduceat(src_lo, groups, axis=0)
            src_hi = np.maximum.reduceat(src_hi, groups, axis=0)
            f = start // CELL_SIZES[level]
            self.mins[level][f : f + len(groups)] = src_lo
            self.maxs[level][f : f + len(groups)] = src_hi

    def stats(self) -> AudioStats:
        """Peak and RMS of the whole source (linear, per channel); needs `complete`."""
        if not self.complete:
            raise RuntimeError("the peak pyramid is still being built")
        if self.source.frames == 0:
            zeros = (0.0,) * self.source.channels
            return AudioStats(zeros, zeros)
        scale = float(self.source.scale)
        low = np.abs(self.mins[-1].min(axis=0).astype(np.float64))
        high = np.abs(self.maxs[-1].max(axis=0).astype(np.float64))
        peak = np.maximum(low, high) * scale
        rms = np.sqrt(self._chunk_sumsq.sum(axis=0) / self.source.frames) * scale
        return AudioStats(tuple(map(float, peak)), tuple(map(float, rms)))

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
            _reduce_into(lo, hi, edges, self._raw(start, stop), start, stop)
        else:
            self._cells_into(lo, hi, edges, level, start, stop)
        scale = np.float32(self.source.scale)
        return lo * scale, hi * scale

    def _cells_into(self, lo, hi, edges, level, start, stop) -> None:
        size = CELL_SIZES[level]
        a, b = -(-start // size) * size, stop // size * size  # whole cells inside
        if a >= b:
            _reduce_into(lo, hi, edges, self._raw(start, stop), start, stop)
            return
        snapped = edges.copy()
        snapped[1:-1] = np.round(edges[1:-1] / size).astype(np.int64) * size
        snapped = np.clip(np.maximum.accumulate(snapped), a, b)
        cells_lo = self.mins[level][a // size : b // size]
        cells_hi = self.maxs[level][a // size : b // size]
        _reduce_cells_into(lo, hi, (snapped - a) // size, cells_lo, cells_hi)
        for s, e in ((start, a), (b, stop)):  # partial cells at the ends, from finer levels
            if e > s:
                col = int(np.searchsorted(snapped, s, "right") - 1) if s >= a else 0
                col = min(max(col, 0), len(lo) - 1)
                span_lo, span_hi = self._span_extremes(s, e, level - 1)
                lo[col] = np.fmin(lo[col], span_lo)
                hi[col] = np.fmax(hi[col], span_hi)

    def _span_extremes(self, s: int, e: int, level: int) -> tuple[np.ndarray, np.ndarray]:
        """Exact min and max of frames [s, e), using the coarsest cells that fit."""
        if level < 0:
            raw = self._raw(s, e)
            return raw.min(axis=0), raw.max(axis=0)
        size = CELL_SIZES[level]
        a, b = -(-s // size) * size, e // size * size
        if a >= b:
            return self._span_extremes(s, e, level - 1)
        parts = [(self.mins[level][a // size : b // size].min(axis=0),
                  self.maxs[level][a // size : b // size].max(axis=0))]
        parts += [self._span_extremes(x, y, level - 1) for x, y in ((s, a), (b, e)) if y > x]
        return (np.min([p[0] for p in parts], axis=0), np.max([p[1] for p in parts], axis=0))


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
    readiness = tuple(b.source.peaks.frames_ready if b.source.peaks is not None else -1
                      for b in samples.blocks[:64])
    key = ("columns", start, stop, n_columns, readiness)
    cached = samples.memo.get("columns")
    if cached is not None and cached[0] == key:  # the other channel views ask the same
        return cached[1]
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
    samples.memo["columns"] = (key, (lo, hi))
    return lo, hi


def _pyramid_for(source: SampleSource) -> PeakPyramid | None:
    if source.peaks is not None:
        return source.peaks  # type: ignore[return-value]
    if source.frames <= SYNC_BUILD_LIMIT:
        return PeakPyramid.of(source)
    return None  # a big source whose pyramid is still being built elsewhere

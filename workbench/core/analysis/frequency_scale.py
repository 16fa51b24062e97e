"""Vertical frequency scales of the spectrogram and the FFT-bin -> row mapping.

A spectrogram image has `rows` display rows; the y coordinate runs
continuously from 0 (bottom edge of row 0) to `rows` (top edge of the last
row), so row r is drawn over [r, r + 1) and its centre is at y = r + 0.5.
A scale maps the position p = y / rows in [0, 1] to a frequency:

- "linear": 0 Hz .. Nyquist, evenly spaced;
- "log": LOG_MIN_HZ .. Nyquist, evenly spaced in log-frequency;
- "mel": 0 Hz .. Nyquist, evenly spaced in mels (O'Shaughnessy's formula,
  the one HTK uses).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

SCALES: tuple[str, ...] = ("linear", "log", "mel")
LOG_MIN_HZ = 20.0  # bottom of the log scale: the usual lower limit of hearing


def _hz_to_mel(hz):
    return 2595.0 * np.log10(1.0 + np.asarray(hz, dtype=np.float64) / 700.0)


def _mel_to_hz(mel):
    return 700.0 * (10.0 ** (np.asarray(mel, dtype=np.float64) / 2595.0) - 1.0)


def _log_floor_hz(sample_rate: float) -> float:
    # Very low sample rates would put 20 Hz too close to Nyquist; keep a decade.
    return min(LOG_MIN_HZ, sample_rate / 20.0)


def position_to_frequency(position, scale: str, sample_rate: float):
    """Frequency in Hz at scale position(s) `position` in [0, 1] (bottom..top)."""
    nyquist = sample_rate / 2.0
    p = np.asarray(position, dtype=np.float64)
    if scale == "linear":
        return p * nyquist
    if scale == "log":
        low = _log_floor_hz(sample_rate)
        return low * (nyquist / low) ** p
    if scale == "mel":
        return _mel_to_hz(p * _hz_to_mel(nyquist))
    raise ValueError(f"unknown frequency scale {scale!r}; choose one of {SCALES}")


def frequency_to_position(frequency, scale: str, sample_rate: float):
    """Scale position(s) of `frequency` Hz: the inverse of position_to_frequency."""
    nyquist = sample_rate / 2.0
    f = np.asarray(frequency, dtype=np.float64)
    if scale == "linear":
        return f / nyquist
    if scale == "log":
        low = _log_floor_hz(sample_rate)
        return np.log(np.maximum(f, 1e-9) / low) / np.log(nyquist / low)
    if scale == "mel":
        return _hz_to_mel(f) / _hz_to_mel(nyquist)
    raise ValueError(f"unknown frequency scale {scale!r}; choose one of {SCALES}")


@dataclass(frozen=True, eq=False)
class _MaxGroup:
    """Rows whose bin range [start, stop) has a length between 2**level and 2**(level+1)."""

    level: int
    rows: np.ndarray
    starts: np.ndarray
    last_starts: np.ndarray  # stop - 2**level: the second, overlapping half


@dataclass(frozen=True, eq=False)
class RowMapping:
    """How the rfft bins of a run of frames become display rows.

    A row that holds one or more bin centres takes the largest of them, so a
    narrow tone never disappears when many bins share a row (top of a log
    scale).  A row that holds none lies between two bins and interpolates
    them linearly at its centre frequency (bottom of a log or mel scale).

    The maxima use a sparse table: level k holds the max over every run of
    2**k bins, and any range of length in [2**k, 2**(k+1)) is the max of two
    overlapping level-k runs.  numpy's maximum.reduceat does the same job
    two to three times slower on short ranges.  Immutable and shared between threads.
    """

    rows: int
    bin_stop: int  # one past the last bin any row uses
    max_groups: tuple[_MaxGroup, ...]  # ascending level
    interp_rows: np.ndarray  # rows between bins
    interp_low: np.ndarray  # the bin just below each such row's centre
    interp_fraction: np.ndarray  # (n, 1) float32 weight of the bin above

    def apply(self, values: np.ndarray) -> np.ndarray:
        """(bins, frames) non-negative values -> (rows, frames), same dtype.

        Bins are the first axis so that every gather takes whole contiguous
        rows of frames.
        """
        out = np.empty((self.rows, values.shape[1]), dtype=values.dtype)
        table, level = values[: self.bin_stop], 0
        for group in self.max_groups:
            while level < group.level:
                step = 1 << level
                table = np.maximum(table[:-step], table[step:])
                level += 1
            out[group.rows] = np.maximum(table[group.starts], table[group.last_starts])
        if len(self.interp_rows):
            low = values[self.interp_low]
            high = values[self.interp_low + 1]
            high -= low
            high *= self.interp_fraction
            high += low
            out[self.interp_rows] = high
        return out


def _read_only(*arrays: np.ndarray) -> None:
    for a in arrays:
        a.setflags(write=False)  # shared between worker threads


def _max_groups(rows_with_bins: np.ndarray, starts: np.ndarray,
                stops: np.ndarray) -> tuple[_MaxGroup, ...]:
    levels = np.floor(np.log2(stops - starts)).astype(np.intp)
    groups = []
    for level in np.unique(levels):
        chosen = levels == level
        group = _MaxGroup(int(level), rows_with_bins[chosen], starts[chosen],
                          stops[chosen] - (1 << int(level)))
        _read_only(group.rows, group.starts, group.last_starts)
        groups.append(group)
    return tuple(groups)


@lru_cache(maxsize=64)
def row_mapping(window_length: int, scale: str, rows: int, sample_rate: float) -> RowMapping:
    """The (cached) mapping from the rfft bins of `window_length` samples to rows."""
    bins = window_length // 2 + 1
    bin_hz = sample_rate / window_length
    edges = position_to_frequency(np.arange(rows + 1) / rows, scale, sample_rate)
    bin_freqs = np.arange(bins) * bin_hz
    row_of_bin = np.searchsorted(edges, bin_freqs, side="right") - 1
    row_of_bin[row_of_bin >= rows] = rows - 1  # Nyquist sits on the top edge
    used = row_of_bin >= 0  # bins below a log scale's floor belong to no row
    counts = np.bincount(row_of_bin[used], minlength=rows)
    rows_with_bins = np.flatnonzero(counts)
    starts = np.searchsorted(row_of_bin, rows_with_bins, side="left").astype(np.intp)
    stops = starts + counts[rows_with_bins]
    bin_stop = int(stops[-1]) if len(stops) else 0

    interp_rows = np.flatnonzero(counts == 0)
    centres = position_to_frequency((interp_rows + 0.5) / rows, scale, sample_rate)
    position = centres / bin_hz
    low = np.clip(np.floor(position).astype(np.intp), 0, bins - 2)
    fraction = np.clip(position - low, 0.0, 1.0).astype(np.float32)[:, None]
    _read_only(interp_rows, low, fraction)
    return RowMapping(rows, bin_stop, _max_groups(rows_with_bins, starts, stops),
                      interp_rows, low, fraction)


# Tick candidates in the order they are preferred: decades, then 2s and 5s,
# then the other digits.  Minor ticks come from every digit.
_TICK_DIGIT_RANKS = ((1.0,), (2.0, 5.0), (3.0, 4.0, 6.0, 7.0, 8.0, 9.0, 1.5, 2.5))


def _linear_ticks(low_hz: float, high_hz: float, count: float) -> list[float]:
    """Multiples of a 1-2-5 step, about `count` of them, inside [low_hz, high_hz]."""
    raw_step = (high_hz - low_hz) / max(count, 1.0)
    magnitude = 10.0 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1.0, 2.0, 5.0, 10.0) if m * magnitude >= raw_step)
    first = math.ceil(low_hz / step)
    return [k * step for k in range(first, int(high_hz // step) + 1)]


def frequency_ticks(scale: str, sample_rate: float, low_position: float,
                    high_position: float, length_px: float,
                    min_spacing_px: float = 28.0) -> tuple[list[float], list[float]]:
    """(major, minor) tick frequencies in Hz for an axis showing scale positions
    [low_position, high_position] over `length_px` pixels.

    Majors are round numbers at least `min_spacing_px` apart (0 Hz when it is
    shown): on log and mel scales decades first, then 2s and 5s, then other
    digits; on a linear scale (or a log/mel range too narrow to hold two
    round numbers) an even 1-2-5 step.  Minors are the remaining round
    numbers on a log scale.
    """
    low_hz = float(position_to_frequency(max(low_position, 0.0), scale, sample_rate))
    high_hz = float(position_to_frequency(min(high_position, 1.0), scale, sample_rate))
    span = high_position - low_position
    if high_hz <= low_hz or span <= 0 or length_px <= 0:
        return [], []
    px_per_position = length_px / span

    def pixel(hz: float) -> float:
        return float(frequency_to_position(hz, scale, sample_rate)) * px_per_position

    decades = range(math.floor(math.log10(max(low_hz, 10.0))), math.ceil(math.log10(high_hz)) + 1)
    major: list[float] = [0.0] if low_hz == 0.0 else []
    if scale != "linear":
        for digits in _TICK_DIGIT_RANKS:
            for d in digits:
                for e in decades:
                    hz = d * 10.0 ** e
                    if low_hz <= hz <= high_hz and all(
                            abs(pixel(hz) - pixel(m)) >= min_spacing_px for m in major):
                        major.append(hz)
    if len(major) < 2:
        major = _linear_ticks(low_hz, high_hz, length_px / (1.5 * min_spacing_px))
    minor: list[float] = []
    if scale == "log":
        minor = [d * 10.0 ** e for e in decades for d in range(1, 10)
                 if low_hz <= d * 10.0 ** e <= high_hz and d * 10.0 ** e not in major]
    return sorted(major), minor


def format_frequency(hz: float) -> str:
    """Short axis label: '0', '440', '1k', '1.5k', '20k'."""
    if abs(hz) >= 1000.0:
        return f"{hz / 1000.0:.3g}k"
    return f"{hz:.3g}" if hz else "0"

"""Peak and RMS level of a whole track, computed in chunks (a task)."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import numpy as np

from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import CancelToken, Progress

CHUNK = 1 << 20


@dataclass(frozen=True)
class AudioStats:
    """Per-channel peak (absolute) and RMS, as linear amplitudes."""

    peak: tuple[float, ...]
    rms: tuple[float, ...]

    @staticmethod
    def dbfs(value: float) -> float:
        return 20 * np.log10(value) if value > 0 else float("-inf")


def compute_stats(samples: BlockSequence,
                  cancel: CancelToken | None = None) -> Generator[Progress, None, AudioStats]:
    """Scan the samples once; yields progress, returns AudioStats."""
    n, ch = samples.frames, samples.channels
    peak = np.zeros(ch, np.float64)
    sumsq = np.zeros(ch, np.float64)
    for start in range(0, n, CHUNK):
        if cancel is not None:
            cancel.check()
        planar = np.ascontiguousarray(samples.read(start, min(n, start + CHUNK)).T)
        peak = np.maximum(peak, np.maximum(-planar.min(axis=1), planar.max(axis=1)))
        sumsq += sums_of_squares(planar)
        yield Progress(min(n, start + CHUNK) / n, "Measuring levels")
    rms = np.sqrt(sumsq / n) if n else sumsq
    return AudioStats(tuple(float(p) for p in peak), tuple(float(r) for r in rms))


def sums_of_squares(planar: np.ndarray) -> list[float]:
    """Sum of squares of each row (channels x frames).

    float32 BLAS dot products are 6x faster than a float64 einsum and accurate
    to about 1e-5 relative, far below the 0.1 dB a level readout shows; absurd
    float values (beyond 1e19) overflow them, so such rows are summed in float64.
    """
    with np.errstate(over="ignore"):
        sums = [float(np.dot(row, row)) for row in planar.astype(np.float32, copy=False)]
    return [s if np.isfinite(s) else float(np.dot(row.astype(np.float64), row))
            for s, row in zip(sums, planar)]

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
        block = samples.read(start, min(n, start + CHUNK))
        peak = np.maximum(peak, np.abs(block).max(axis=0))
        sumsq += np.einsum("ij,ij->j", block, block, dtype=np.float64)
        yield Progress(min(n, start + CHUNK) / n, "Measuring levels")
    rms = np.sqrt(sumsq / n) if n else sumsq
    return AudioStats(tuple(float(p) for p in peak), tuple(float(r) for r in rms))

"""Noticing input that an audio device lost, from the clock alone.

When a capture buffer overflows, the samples are simply gone: later blocks
arrive as if nothing happened and the recording would silently shift earlier.
The device does not say so (Qt's processedUSecs counts what was read, not what
was captured), but the clock does: after reading everything available, the
frames received keep pace with the time elapsed since the first block.

`lag = elapsed * rate - frames received` hovers just above a floor (the
capture latency) with a few milliseconds of jitter.  A loss raises the floor
for good by the number of frames lost; a late delivery raises the lag only
until the late frames arrive.  So a lag more than `tolerance` above the
baseline only makes the detector *suspect* a loss: the blocks after it are
held back while it watches the lag settle, and the loss it then reports is
the lowest excess seen meanwhile, which is what stays missing once the
jitter is gone.  The baseline may creep up by `drift_ppm` to absorb a device
clock slower than the system's.

Overflowing capture buffers keep their oldest data, so the block that first
shows the excess was captured before the loss: the silence goes after it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

import numpy as np

MIN_TOLERANCE_S = 0.015  # excess that makes a loss suspect
MIN_FILL_S = 0.004  # settled excess below this is jitter, not loss
BLOCKS_PER_TOLERANCE = 3
SETTLE_S = 0.1  # the lag must be steady this long before a verdict
STEADY_BAND_S = 0.004  # "steady": the excess moves less than this (or two blocks)
MAX_HOLD_S = 2.0  # never hold blocks back longer than this
DRIFT_PPM = 1000.0


class GapVerdict(Enum):
    """What the capture loop does with the block it just read."""

    PASS = "pass"  # write it
    SUSPECT = "suspect"  # write it, then hold the following blocks back
    HOLD = "hold"  # hold it back (after the ones already held)
    RESOLVED = "resolved"  # write `lost_frames` of silence, then the held blocks, then it


@dataclass(frozen=True)
class GapCheck:
    verdict: GapVerdict
    lost_frames: int = 0


class InputGapDetector:
    """Tells the capture loop where input was lost and how much.

    Call `observe(now_s, frames)` after each read that emptied the device's
    buffer, with a monotonic clock and the size of the block just read.
    Not thread-safe: used by the one capture thread.
    """

    def __init__(self, sample_rate: int, min_tolerance_s: float = MIN_TOLERANCE_S,
                 drift_ppm: float = DRIFT_PPM) -> None:
        self.sample_rate = sample_rate
        self.min_tolerance_s = min_tolerance_s
        self.drift_ppm = drift_ppm
        self._t0: float | None = None
        self._last_t = 0.0
        self._accounted = 0  # frames received plus frames filled, since t0
        self._baseline = 0.0
        self._sizes: deque[int] = deque(maxlen=33)
        self._suspect_since: float | None = None
        self._watched: deque[tuple[float, float]] = deque()  # (time, excess) while suspecting

    @property
    def typical_block(self) -> float:
        return float(np.median(self._sizes)) if self._sizes else 0.0

    @property
    def tolerance_frames(self) -> float:
        return max(self.min_tolerance_s * self.sample_rate,
                   BLOCKS_PER_TOLERANCE * self.typical_block)

    @property
    def holding(self) -> bool:
        return self._suspect_since is not None

    def observe(self, now_s: float, frames: int) -> GapCheck:
        """Account for a block of `frames` read at `now_s`."""
        if self._t0 is None:
            # The clock starts when the first block is in: what came before is latency.
            self._t0 = self._last_t = now_s
            return GapCheck(GapVerdict.PASS)
        if frames > 0:
            self._sizes.append(frames)
        self._accounted += frames
        lag = (now_s - self._t0) * self.sample_rate - self._accounted
        dt = max(0.0, now_s - self._last_t)
        self._last_t = now_s
        excess = lag - self._baseline
        if self._suspect_since is not None:
            return self._watch(now_s, excess)
        if excess <= 0:
            self._baseline = lag
        elif excess > self.tolerance_frames:
            self._suspect_since = now_s
            self._watched.clear()
            return GapCheck(GapVerdict.SUSPECT)
        else:
            self._baseline += min(excess, self.drift_ppm * 1e-6 * self.sample_rate * dt)
        return GapCheck(GapVerdict.PASS)

    def _watch(self, now_s: float, excess: float) -> GapCheck:
        """While suspecting: wait until the lag is steady again, then judge.

        Steady means the excess stayed within a jitter-sized band for SETTLE_S:
        frames flow at the device's rate again.  What it then settles at (its
        lowest value in that stretch) is what went missing; a late delivery
        settles back near zero.
        """
        self._watched.append((now_s, excess))
        while now_s - self._watched[0][0] > SETTLE_S:
            self._watched.popleft()  # keep the last SETTLE_S only
        band = max(STEADY_BAND_S * self.sample_rate, 2 * self.typical_block)
        values = [e for _, e in self._watched]
        steady = (now_s - self._suspect_since >= SETTLE_S
                  and max(values) - min(values) <= band)
        if not steady and now_s - self._suspect_since < MAX_HOLD_S:
            return GapCheck(GapVerdict.HOLD)
        settled = min(values)
        self._suspect_since = None
        self._watched.clear()
        fill_floor = max(MIN_FILL_S * self.sample_rate, self.typical_block)
        lost = int(round(settled)) if settled > fill_floor else 0
        self._accounted += lost
        # An excess too small to call a loss is latency: the new floor.
        self._baseline += max(0.0, settled - lost)
        return GapCheck(GapVerdict.RESOLVED, lost)

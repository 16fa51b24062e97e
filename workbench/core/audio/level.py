"""Level-meter arithmetic: peak, RMS, a held peak that falls back, and clipping.

Pure numpy; the meter widget and the tests feed it blocks of float32 frames
and a clock reading, and draw whatever `Levels` it returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SILENCE_DB = -120.0  # what 0.0 reads as in decibels
CLIP_LEVEL = 0.999  # |sample| at or above this counts as clipped (about -0.01 dBFS)


def amplitude_to_db(amplitude: np.ndarray | float) -> np.ndarray:
    """Linear amplitude (1.0 = full scale) -> dBFS, with silence at SILENCE_DB."""
    a = np.maximum(np.asarray(amplitude, dtype=np.float64), 10 ** (SILENCE_DB / 20))
    return 20.0 * np.log10(a)


def block_peak_rms(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel peak |x| and RMS of frames x channels (zeros for an empty block)."""
    x = np.asarray(samples, dtype=np.float32)
    if x.ndim == 1:
        x = x[:, None]
    if len(x) == 0:
        zeros = np.zeros(x.shape[1], dtype=np.float64)
        return zeros, zeros.copy()
    peak = np.abs(x).max(axis=0).astype(np.float64)
    rms = np.sqrt(np.mean(np.square(x, dtype=np.float64), axis=0))
    return peak, rms


@dataclass(frozen=True)
class Levels:
    """What a meter shows for each channel, as linear amplitudes."""

    peak: np.ndarray
    rms: np.ndarray
    held_peak: np.ndarray
    clipped: np.ndarray  # bool per channel, latched until reset

    @classmethod
    def silent(cls, channels: int) -> Levels:
        z = np.zeros(channels)
        return cls(z, z.copy(), z.copy(), np.zeros(channels, dtype=bool))

    @property
    def channels(self) -> int:
        return len(self.peak)

    @property
    def peak_db(self) -> np.ndarray:
        return amplitude_to_db(self.peak)

    @property
    def rms_db(self) -> np.ndarray:
        return amplitude_to_db(self.rms)

    @property
    def held_peak_db(self) -> np.ndarray:
        return amplitude_to_db(self.held_peak)


class LevelTracker:
    """Meter ballistics for one stream of audio.

    Each `update` reports the peak and RMS of the new block.  The held peak
    stays at the highest recent peak for `hold_s` seconds, then falls at
    `fall_db_per_s` (never below the current peak).  A channel that reaches
    `clip_level` stays marked clipped until `reset_clip()`: a clip lasting one
    sample must still be seen.  Not thread-safe; owned by one meter.
    """

    def __init__(self, channels: int, hold_s: float = 1.5, fall_db_per_s: float = 20.0,
                 clip_level: float = CLIP_LEVEL) -> None:
        self.hold_s = hold_s
        self.fall_db_per_s = fall_db_per_s
        self.clip_level = clip_level
        self._channels = channels
        self.reset()

    @property
    def levels(self) -> Levels:
        return self._levels

    def reset(self, channels: int | None = None) -> None:
        """Forget everything (a new input, or another channel count)."""
        if channels is not None:
            self._channels = channels
        self._levels = Levels.silent(self._channels)
        self._held_since = np.zeros(self._channels)
        self._last_time: float | None = None

    def reset_clip(self) -> None:
        lv = self._levels
        self._levels = Levels(lv.peak, lv.rms, lv.held_peak, np.zeros(self._channels, bool))

    def update(self, samples: np.ndarray, now_s: float) -> Levels:
        """Take in a block of frames x channels seen at time `now_s` (seconds, monotonic)."""
        peak, rms = block_peak_rms(samples)
        if len(peak) != self._channels:
            self.reset(len(peak))
        dt = 0.0 if self._last_time is None else max(0.0, now_s - self._last_time)
        self._last_time = now_s
        held = self._levels.held_peak.copy()
        rising = peak >= held
        held[rising] = peak[rising]
        self._held_since[rising] = now_s
        # Fall only for the part of dt that lies after the hold time ran out.
        fall_s = np.clip(now_s - self._held_since - self.hold_s, 0.0, dt)
        held = np.where(rising, held, held * 10 ** (-self.fall_db_per_s * fall_s / 20))
        held = np.maximum(held, peak)
        clipped = self._levels.clipped | (peak >= self.clip_level)
        self._levels = Levels(peak, rms, held, clipped)
        return self._levels

"""Mixing: signal-to-noise ratios, fitting lengths and placing clips on a timeline."""

from __future__ import annotations

import numpy as np

from workbench.training.synth.arrays import db_to_gain, rms


def snr_db(signal: np.ndarray, noise: np.ndarray) -> float:
    """Signal-to-noise ratio in dB of a signal and the noise that was added to it."""
    noise_level = rms(noise)
    if noise_level == 0.0:
        return float("inf")
    signal_level = rms(signal)
    if signal_level == 0.0:
        return float("-inf")
    return 20.0 * float(np.log10(signal_level / noise_level))


def fit_length(audio: np.ndarray, frames: int) -> np.ndarray:
    """Repeat ``audio`` (looping) or cut it so it has exactly ``frames`` frames."""
    if len(audio) == 0:
        raise ValueError("cannot fit an empty clip to a length")
    repeats = -(-frames // len(audio))
    reps = (repeats,) + (1,) * (audio.ndim - 1)
    return np.tile(audio, reps)[:frames]


def scale_noise_to_snr(signal: np.ndarray, noise: np.ndarray, snr_target_db: float) -> np.ndarray:
    """``noise`` fitted to the signal's length and scaled so that SNR is ``snr_target_db``."""
    noise = fit_length(np.asarray(noise, dtype=np.float64), len(signal))
    if rms(signal) == 0.0:
        raise ValueError("the signal is silent, so no SNR can be set")
    if rms(noise) == 0.0:
        raise ValueError("the noise is silent, so no SNR can be set")
    return noise * (rms(signal) / rms(noise) / db_to_gain(snr_target_db))


def mix_at_snr(signal: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """``signal`` plus ``noise`` scaled so the mixture's SNR is ``snr_db`` dB.

    The signal keeps its level (so it stays the clean target of an enhancer);
    the noise is looped or cut to the signal's length.  Leave headroom in the
    signal: the sum is returned as float32 without clipping, so the SNR holds
    exactly; use ``fit_peak`` on signal and mixture together if it must fit
    in [-1, 1].
    """
    signal = np.asarray(signal, dtype=np.float64)
    return (signal + scale_noise_to_snr(signal, noise, snr_db)).astype(np.float32)


def fit_peak(*arrays: np.ndarray, peak: float = 1.0) -> list[np.ndarray]:
    """Scale all ``arrays`` by one common factor so none exceeds ``peak`` (never louder)."""
    largest = max((float(np.max(np.abs(a))) for a in arrays if a.size), default=0.0)
    factor = min(1.0, peak / largest) if largest > 0 else 1.0
    return [np.asarray(a * factor, dtype=np.float32) for a in arrays]


def overlay(base: np.ndarray, clip: np.ndarray, start: int, gain: float = 1.0) -> None:
    """Add ``clip`` (times ``gain``) into ``base`` in place from frame ``start``, cut at the end."""
    if start < 0:
        raise ValueError(f"clip start must be >= 0, got {start}")
    stop = min(len(base), start + len(clip))
    if stop > start:
        base[start:stop] += gain * clip[: stop - start]


def to_stereo(mono: np.ndarray, sample_rate: int, pan: float = 0.0, delay_s: float = 0.0
              ) -> np.ndarray:
    """Place a mono clip in a stereo field: ``[frames, 2]``.

    ``pan`` runs from -1 (left) to 1 (right) with constant power; ``delay_s``
    delays the channel on the far side (a source off-centre reaches the far
    ear later), which widens the image more naturally than level alone.
    """
    if not -1.0 <= pan <= 1.0:
        raise ValueError(f"pan must lie in [-1, 1], got {pan}")
    angle = (pan + 1.0) * np.pi / 4.0
    left = np.cos(angle) * np.asarray(mono, dtype=np.float64)
    right = np.sin(angle) * np.asarray(mono, dtype=np.float64)
    shift = int(round(delay_s * sample_rate))
    if shift > 0:
        far = left if pan > 0 else right
        far[shift:] = far[:-shift].copy()
        far[:shift] = 0.0
    return np.stack([left, right], axis=1).astype(np.float32)

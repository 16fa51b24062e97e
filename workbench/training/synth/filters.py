"""Second-order IIR filters (biquads) from the RBJ Audio EQ Cookbook.

Coefficients are computed in numpy; filtering runs through
``torchaudio.functional.lfilter`` in float64 (float32 recursions drift audibly
for low cut-off frequencies).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import torch
import torchaudio.functional as taf


@dataclass(frozen=True)
class Biquad:
    """Normalized biquad coefficients: ``b = (b0, b1, b2)``, ``a = (1, a1, a2)``."""

    b: tuple[float, float, float]
    a: tuple[float, float, float]

    def response_db(self, frequencies_hz: np.ndarray, sample_rate: int) -> np.ndarray:
        """Magnitude response in dB at the given frequencies."""
        z = np.exp(-1j * 2.0 * np.pi * np.asarray(frequencies_hz, dtype=np.float64) / sample_rate)
        num = self.b[0] + self.b[1] * z + self.b[2] * z * z
        den = self.a[0] + self.a[1] * z + self.a[2] * z * z
        return 20.0 * np.log10(np.maximum(np.abs(num / den), 1e-12))


def _check(sample_rate: int, frequency_hz: float, q: float) -> None:
    if not 0.0 < frequency_hz < sample_rate / 2:
        raise ValueError(f"filter frequency {frequency_hz} Hz must lie in (0, {sample_rate / 2}) Hz")
    if q <= 0:
        raise ValueError(f"filter Q must be positive, got {q}")


def _normalized(b: Iterable[float], a: Iterable[float]) -> Biquad:
    b0, b1, b2 = b
    a0, a1, a2 = a
    return Biquad((b0 / a0, b1 / a0, b2 / a0), (1.0, a1 / a0, a2 / a0))


def _omega(sample_rate: int, frequency_hz: float, q: float) -> tuple[float, float]:
    w0 = 2.0 * np.pi * frequency_hz / sample_rate
    return float(np.cos(w0)), float(np.sin(w0) / (2.0 * q))


def lowpass(sample_rate: int, frequency_hz: float, q: float = 0.7071) -> Biquad:
    """Second-order low-pass (Butterworth at the default Q)."""
    _check(sample_rate, frequency_hz, q)
    cos_w, alpha = _omega(sample_rate, frequency_hz, q)
    return _normalized(
        ((1 - cos_w) / 2, 1 - cos_w, (1 - cos_w) / 2), (1 + alpha, -2 * cos_w, 1 - alpha)
    )


def highpass(sample_rate: int, frequency_hz: float, q: float = 0.7071) -> Biquad:
    """Second-order high-pass (Butterworth at the default Q)."""
    _check(sample_rate, frequency_hz, q)
    cos_w, alpha = _omega(sample_rate, frequency_hz, q)
    return _normalized(
        ((1 + cos_w) / 2, -(1 + cos_w), (1 + cos_w) / 2), (1 + alpha, -2 * cos_w, 1 - alpha)
    )


def bandpass(sample_rate: int, frequency_hz: float, q: float = 1.0) -> Biquad:
    """Band-pass with 0 dB gain at the centre frequency."""
    _check(sample_rate, frequency_hz, q)
    cos_w, alpha = _omega(sample_rate, frequency_hz, q)
    return _normalized((alpha, 0.0, -alpha), (1 + alpha, -2 * cos_w, 1 - alpha))


def peaking(sample_rate: int, frequency_hz: float, gain_db: float, q: float = 1.0) -> Biquad:
    """Peaking EQ: ``gain_db`` at the centre frequency, 0 dB far from it."""
    _check(sample_rate, frequency_hz, q)
    amp = 10.0 ** (gain_db / 40.0)
    cos_w, alpha = _omega(sample_rate, frequency_hz, q)
    return _normalized(
        (1 + alpha * amp, -2 * cos_w, 1 - alpha * amp),
        (1 + alpha / amp, -2 * cos_w, 1 - alpha / amp),
    )


def _shelf(sample_rate: int, frequency_hz: float, gain_db: float, q: float, high: bool) -> Biquad:
    _check(sample_rate, frequency_hz, q)
    amp = 10.0 ** (gain_db / 40.0)
    cos_w, alpha = _omega(sample_rate, frequency_hz, q)
    root = 2.0 * np.sqrt(amp) * alpha
    s = -1.0 if high else 1.0  # the high shelf mirrors the low shelf's cosine terms
    b = (
        amp * ((amp + 1) - s * (amp - 1) * cos_w + root),
        s * 2 * amp * ((amp - 1) - s * (amp + 1) * cos_w),
        amp * ((amp + 1) - s * (amp - 1) * cos_w - root),
    )
    a = (
        (amp + 1) + s * (amp - 1) * cos_w + root,
        -s * 2 * ((amp - 1) + s * (amp + 1) * cos_w),
        (amp + 1) + s * (amp - 1) * cos_w - root,
    )
    return _normalized(b, a)


def low_shelf(sample_rate: int, frequency_hz: float, gain_db: float, q: float = 0.7071) -> Biquad:
    """Low shelf: ``gain_db`` well below ``frequency_hz``, 0 dB well above."""
    return _shelf(sample_rate, frequency_hz, gain_db, q, high=False)


def high_shelf(sample_rate: int, frequency_hz: float, gain_db: float, q: float = 0.7071) -> Biquad:
    """High shelf: ``gain_db`` well above ``frequency_hz``, 0 dB well below."""
    return _shelf(sample_rate, frequency_hz, gain_db, q, high=True)


def apply_filters(audio: np.ndarray, filters: Iterable[Biquad]) -> np.ndarray:
    """Run ``audio`` (shape ``[frames]`` or ``[frames, channels]``) through biquads in series."""
    x = np.asarray(audio, dtype=np.float64)
    signal = torch.from_numpy(np.ascontiguousarray(x.T))  # lfilter filters the last axis
    for biquad in filters:
        signal = taf.lfilter(
            signal,
            torch.tensor(biquad.a, dtype=torch.float64),
            torch.tensor(biquad.b, dtype=torch.float64),
            clamp=False,
        )
    return signal.numpy().T.astype(np.float32)

"""Measurements the synthesis tests share: spectra, peaks and slopes (numpy only)."""

from __future__ import annotations

import numpy as np


def power_spectrum(audio: np.ndarray, sample_rate: int, segment: int = 4096
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Welch-averaged power spectrum (Hann windows, 50 % overlap): (frequencies, power)."""
    x = np.asarray(audio, dtype=np.float64)
    segment = min(segment, len(x))
    hop = segment // 2
    window = np.hanning(segment)
    frames = np.lib.stride_tricks.sliding_window_view(x, segment)[::hop] * window
    power = np.mean(np.abs(np.fft.rfft(frames, axis=1)) ** 2, axis=0)
    return np.fft.rfftfreq(segment, 1.0 / sample_rate), power


def peak_frequency(audio: np.ndarray, sample_rate: int) -> float:
    """Frequency of the largest FFT bin, refined by parabolic interpolation."""
    x = np.asarray(audio, dtype=np.float64) * np.hanning(len(audio))
    magnitude = np.abs(np.fft.rfft(x))
    k = int(np.argmax(magnitude[1:-1])) + 1
    a, b, c = np.log(magnitude[k - 1: k + 2] + 1e-300)
    shift = 0.5 * (a - c) / (a - 2 * b + c)
    return (k + shift) * sample_rate / len(x)


def top_frequencies(audio: np.ndarray, sample_rate: int, count: int,
                    min_separation_hz: float = 30.0) -> list[float]:
    """The ``count`` strongest spectral peaks, strongest first, at least ``min_separation_hz`` apart."""
    x = np.asarray(audio, dtype=np.float64) * np.hanning(len(audio))
    magnitude = np.abs(np.fft.rfft(x))
    freqs = np.fft.rfftfreq(len(x), 1.0 / sample_rate)
    found: list[float] = []
    for k in np.argsort(magnitude)[::-1]:
        if all(abs(freqs[k] - f) >= min_separation_hz for f in found):
            found.append(float(freqs[k]))
        if len(found) == count:
            break
    return found


def slope_db_per_octave(audio: np.ndarray, sample_rate: int, low_hz: float, high_hz: float) -> float:
    """Least-squares slope of the power spectrum in dB per octave between two frequencies."""
    freqs, power = power_spectrum(audio, sample_rate)
    band = (freqs >= low_hz) & (freqs <= high_hz)
    return float(np.polyfit(np.log2(freqs[band]), 10 * np.log10(power[band]), 1)[0])


def band_energy_fraction(audio: np.ndarray, sample_rate: int, low_hz: float, high_hz: float) -> float:
    """Share of the total power that lies between ``low_hz`` and ``high_hz``."""
    freqs, power = power_spectrum(audio, sample_rate, segment=1024)
    band = (freqs >= low_hz) & (freqs <= high_hz)
    return float(power[band].sum() / power.sum())


def level_db(audio: np.ndarray) -> float:
    """RMS level in dBFS."""
    return 20 * float(np.log10(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))))

"""Insects: crickets chirping and cicadas buzzing, several individuals at once.

A cricket's song is a pure high tone (3-8 kHz) pulsed 15-60 times a second,
the pulses grouped into chirps (or run together into a trill); a cicada's is
a band of noise around its pitch, buzzing at 100-400 Hz in long phrases.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.ambience.colours import sloped_noise
from workbench.training.synth.ambience.weather import slow_curve


def _band(sample_rate: int) -> tuple[float, float]:
    """The insects' 3-8 kHz, pulled below Nyquist at low sample rates."""
    return min(3000.0, 0.3 * sample_rate), min(8000.0, 0.45 * sample_rate)


def _smooth(gate: np.ndarray, sample_rate: int) -> np.ndarray:
    width = max(1, int(0.002 * sample_rate))
    return np.convolve(gate, np.hanning(width + 2)[1:-1] / (width / 2), mode="same")


def _cricket(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    t = np.arange(n) / sample_rate
    pitch = float(rng.uniform(*_band(sample_rate)))
    pulse_rate = float(rng.uniform(15.0, 60.0))
    pulses = ((t * pulse_rate + rng.random()) % 1.0) < rng.uniform(0.3, 0.6)
    chirp_rate = float(rng.uniform(0.5, 4.0))
    chirp_share = min(0.9, int(rng.integers(2, 9)) / pulse_rate * chirp_rate)
    if rng.random() < 0.2:
        chirp_share = 1.0  # a trill: one unbroken run of pulses
    chirps = ((t * chirp_rate + rng.random()) % 1.0) < chirp_share
    tone = np.sin(2 * np.pi * pitch * t + 0.002 * pitch * np.sin(2 * np.pi * pulse_rate * t))
    return _smooth((pulses & chirps).astype(float), sample_rate) * tone


def _cicada(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    t = np.arange(n) / sample_rate
    pitch = float(rng.uniform(*_band(sample_rate)))
    band = filters.apply_filters(rng.standard_normal(n),
                                 [filters.bandpass(sample_rate, pitch, float(rng.uniform(4.0, 10.0)))] * 2)
    buzz = np.sin(np.pi * float(rng.uniform(100.0, 400.0)) * t) ** 2
    phrase = np.clip(3.0 * slow_curve(n, sample_rate, rng, float(rng.uniform(0.2, 1.0))) - 0.5, 0.0, 1.0)
    return band / (np.std(band) + 1e-12) * buzz * phrase


def chorus(rng: np.random.Generator, sample_rate: int, n: int, individuals: int) -> np.ndarray:
    """``individuals`` crickets and cicadas at random distances."""
    out = np.zeros(n)
    for _ in range(individuals):
        call = _cricket if rng.random() < 0.7 else _cicada
        out += rng.uniform(0.2, 1.0) * call(rng, sample_rate, n)
    return out


def insects(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """2-7 singing insects over a faint bed of night noise."""
    out = chorus(rng, sample_rate, n, int(rng.integers(2, 8)))
    bed = sloped_noise(n, sample_rate, rng, float(rng.uniform(0.5, 1.5)))
    return out + 10 ** (rng.uniform(-35.0, -22.0) / 20) * (np.std(out) + 1e-12) * bed / (np.std(bed) + 1e-12)

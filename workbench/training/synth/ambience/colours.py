"""Coloured noise of any spectral slope and band-limited noise."""

from __future__ import annotations

import numpy as np

# Power slope exponents: power ~ 1 / f**exponent.
COLOURS = {"violet": -2.0, "blue": -1.0, "white": 0.0, "pink": 1.0, "brown": 2.0}


def sloped_noise(n: int, sample_rate: int, rng: np.random.Generator, exponent: float,
                 floor_hz: float = 20.0) -> np.ndarray:
    """Gaussian noise with power falling as ``1 / f**exponent`` (negative: rising)."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.maximum(np.fft.rfftfreq(n, 1.0 / sample_rate), floor_hz)
    spectrum *= freqs ** (-exponent / 2.0)
    spectrum[0] = 0.0
    return np.fft.irfft(spectrum, n)


def coloured(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """Noise of a named colour, or of a random slope between violet and brown."""
    if rng.random() < 0.5:
        exponent = COLOURS[str(rng.choice(list(COLOURS)))]
    else:
        exponent = float(rng.uniform(-2.0, 2.5))
    return sloped_noise(n, sample_rate, rng, exponent)


def band(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """Noise in one band (a third of an octave to three octaves wide), anywhere in the spectrum."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / sample_rate)
    centre = float(np.exp(rng.uniform(np.log(100.0), np.log(0.35 * sample_rate))))
    octaves = float(rng.uniform(0.33, 3.0))
    distance = np.abs(np.log2(np.maximum(freqs, 1.0) / centre))
    spectrum *= np.exp(-0.5 * (distance / (octaves / 2)) ** 2)
    return np.fft.irfft(spectrum, n)

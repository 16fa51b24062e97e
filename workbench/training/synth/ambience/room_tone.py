"""Room tone: what a microphone in a quiet room records.

Mains hum at 50 or 60 Hz with its harmonics (odd ones stronger), the hiss of
the preamp (white or pink), and sometimes the low rush of ventilation.
Callers set the level; silence keeps it very low.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.ambience.colours import sloped_noise


def hum(rng: np.random.Generator, sample_rate: int, n: int, mains_hz: float | None = None) -> np.ndarray:
    """Mains hum: 50 or 60 Hz and 3-9 harmonics, unit RMS."""
    base = float(rng.choice([50.0, 60.0])) if mains_hz is None else mains_hz
    t = np.arange(n) / sample_rate
    out = np.zeros(n)
    for k in range(1, int(rng.integers(3, 10)) + 1):
        if k * base >= 0.45 * sample_rate:
            break
        amplitude = (rng.uniform(0.5, 0.8) if k % 2 else rng.uniform(0.1, 0.4)) ** (k - 1)
        out += amplitude * np.sin(2 * np.pi * k * base * t + rng.uniform(0, 6.3))
    return out / (np.std(out) + 1e-12)


def hiss(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """Preamp hiss: white to pink, unit RMS."""
    out = sloped_noise(n, sample_rate, rng, float(rng.uniform(0.0, 1.0)))
    return out / (np.std(out) + 1e-12)


def hum_and_hiss(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """Hum and hiss at a random balance (hum -20 to +10 dB against the hiss)."""
    return hiss(rng, sample_rate, n) + 10 ** (rng.uniform(-20.0, 10.0) / 20) * hum(rng, sample_rate, n)


def ventilated(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """A room with ventilation: low rush, faint hiss, maybe a little hum."""
    rush = filters.apply_filters(sloped_noise(n, sample_rate, rng, 1.5),
                                 [filters.lowpass(sample_rate, float(rng.uniform(200.0, 800.0)))])
    rush = rush / (np.std(rush) + 1e-12)
    return rush + 0.3 * hiss(rng, sample_rate, n) + 10 ** (rng.uniform(-30.0, -6.0) / 20) * hum(rng, sample_rate, n)

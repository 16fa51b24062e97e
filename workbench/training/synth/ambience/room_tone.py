"""Room tone: what a microphone in a quiet room records.

Mains hum at 50 or 60 Hz with its harmonics (odd ones stronger), the hiss of
the preamp (white or pink), and sometimes the low rush of ventilation.  Some
rooms have more in them: electronics (coil whine, a small fan) or a fridge.
(A tape machine's hiss and the quiet outdoors were tried and left out: too like
the validation "hiss" and the held-out "ventilated", which must stay unheard.)
Callers set the level; silence keeps it very low.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.ambience.colours import sloped_noise
from workbench.training.synth.ambience.weather import slow_curve


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


def _unit(x: np.ndarray) -> np.ndarray:
    return x / (np.std(x) + 1e-12)


def electronics(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """A computer or TV in a quiet room: coil whine (steady 5-15 kHz tones), a small fan's hum, hiss."""
    t = np.arange(n) / sample_rate
    low, high = min(5000.0, 0.4 * sample_rate), min(15000.0, 0.45 * sample_rate)
    whine = sum(10 ** (rng.uniform(-20.0, -3.0) / 20) * np.sqrt(2) * np.sin(
        2 * np.pi * rng.uniform(low, high) * t + rng.uniform(0, 6.3)) for _ in range(int(rng.integers(1, 3))))
    # The fan's blade-pass tone and two harmonics, its speed wandering a little.
    blade_hz = float(rng.uniform(80.0, 300.0)) * (1.0 + 0.01 * (slow_curve(n, sample_rate, rng, 0.5) - 0.5))
    phase = 2 * np.pi * np.cumsum(blade_hz) / sample_rate
    fan = sum(rng.uniform(0.3, 1.0) / k * np.sin(k * phase + rng.uniform(0, 6.3)) for k in (1, 2, 3))
    return hiss(rng, sample_rate, n) + whine + 10 ** (rng.uniform(-12.0, 6.0) / 20) * _unit(fan)


def fridge(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """A fridge's compressor: a 50-120 Hz hum with falling harmonics, each beating slowly, faint hiss."""
    t = np.arange(n) / sample_rate
    base = float(rng.uniform(50.0, 120.0))
    out = np.zeros(n)
    for k in range(1, int(rng.integers(3, 7)) + 1):
        if k * base >= 0.45 * sample_rate:
            break
        amplitude = 0.5 ** (k - 1) * rng.uniform(0.5, 1.0)
        beat_hz = float(rng.uniform(0.2, 2.0))  # a second, slightly detuned part of the motor
        out += amplitude * (np.sin(2 * np.pi * k * base * t + rng.uniform(0, 6.3))
                            + rng.uniform(0.3, 0.9) * np.sin(2 * np.pi * (k * base + beat_hz) * t
                                                             + rng.uniform(0, 6.3)))
    return _unit(out) + 10 ** (rng.uniform(-35.0, -22.0) / 20) * hiss(rng, sample_rate, n)

"""Machine noise: traffic rumble, engines idling and air conditioning."""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.ambience.colours import sloped_noise
from workbench.training.synth.ambience.weather import slow_curve


def traffic(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """Distant road: a brown rumble with cars passing (swells of low-passed tyre noise)."""
    t = np.arange(n) / sample_rate
    out = sloped_noise(n, sample_rate, rng, 2.0)
    out /= np.std(out) + 1e-12
    for _ in range(int(rng.integers(1, 5))):
        centre, width = rng.uniform(-1.0, t[-1] + 1.0), rng.uniform(1.0, 3.0)
        tyres = filters.apply_filters(rng.standard_normal(n),
                                      [filters.lowpass(sample_rate, float(rng.uniform(600, 2500)))])
        out += rng.uniform(1.0, 3.0) * np.exp(-((t - centre) / width) ** 2) * tyres / (np.std(tyres) + 1e-12)
    return out


def engine(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """Engine or generator: firing pulses at 15-60 Hz through a resonant low-pass, plus rattle."""
    firing = float(rng.uniform(15.0, 60.0))
    jitter = 1.0 + 0.05 * (slow_curve(n, sample_rate, rng, 2.0) - 0.5)
    phase = np.cumsum(firing * jitter) / sample_rate
    pulses = np.maximum(0.0, np.sin(2 * np.pi * phase)) ** 8
    body = filters.apply_filters(pulses, [filters.lowpass(sample_rate, float(rng.uniform(150, 500)), 2.0)])
    rattle = sloped_noise(n, sample_rate, rng, 1.0)
    return body / (np.std(body) + 1e-12) + 0.5 * rattle / (np.std(rattle) + 1e-12)


def hvac(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """Air conditioning: smooth low-passed rush and a faint motor tone."""
    t = np.arange(n) / sample_rate
    rush = sloped_noise(n, sample_rate, rng, float(rng.uniform(0.5, 1.5)))
    rush = filters.apply_filters(rush, [filters.lowpass(sample_rate, float(rng.uniform(300, 2000)))])
    rush = rush / (np.std(rush) + 1e-12)
    motor = 0.1 * np.sin(2 * np.pi * rng.uniform(90.0, 240.0) * t)
    return rush + motor

"""Machine noise: traffic rumble, engines idling, air conditioning and a workshop."""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.ambience.colours import sloped_noise
from workbench.training.synth.ambience.events import decaying_noise, place, ringing
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


# Partial ratios of a free metal bar: struck steel rings inharmonically.
_BAR_RATIOS = np.array([1.0, 2.756, 5.404, 8.933])


def workshop(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """Hammering or stamping at 1-6 Hz (each blow a damped metallic ring) over motor whine and rush."""
    whine_hz = float(rng.uniform(150.0, 700.0)) * (1.0 + 0.01 * (slow_curve(n, sample_rate, rng, 1.0) - 0.5))
    phase = 2 * np.pi * np.cumsum(whine_hz) / sample_rate
    motor = sum(np.sin(k * phase) / k for k in range(1, 5) if k * whine_hz.max() < 0.45 * sample_rate)
    rush = filters.apply_filters(sloped_noise(n, sample_rate, rng, 1.0),
                                 [filters.lowpass(sample_rate, min(float(rng.uniform(2000.0, 6000.0)),
                                                                   0.4 * sample_rate))])
    bed = 10 ** (rng.uniform(-15.0, -3.0) / 20) * motor / (np.std(motor) + 1e-12) + rush / (np.std(rush) + 1e-12)
    # Blows: periodic with a little jitter in time and force.
    period = 1.0 / float(rng.uniform(1.0, 6.0))
    times = rng.uniform(0.0, period) + np.arange(int(n / sample_rate / period) + 1) * period
    times = times + rng.normal(0.0, 0.04 * period, len(times))
    frames = (np.clip(times, 0.0, None) * sample_rate).astype(np.int64)
    frames = frames[frames < n]
    count = len(frames)
    length = int(0.5 * sample_rate)
    freqs = (float(rng.uniform(300.0, 2500.0)) * _BAR_RATIOS * rng.uniform(0.98, 1.02, (count, 4)))
    decays = float(rng.uniform(0.05, 0.3)) / np.sqrt(_BAR_RATIOS) * np.ones((count, 4))
    force = rng.uniform(0.7, 1.0, count)[:, None]
    blows = ringing(sample_rate, length, freqs, decays, force * rng.uniform(0.2, 1.0, 4), rng)
    blows += force * 2.0 * decaying_noise(rng, sample_rate, length, np.full(count, 0.002))
    impacts = place(n, frames, blows)
    return bed + float(rng.uniform(3.0, 10.0)) * impacts / (np.max(np.abs(impacts)) + 1e-12)

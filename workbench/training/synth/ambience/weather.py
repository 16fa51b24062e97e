"""Wind and surf: broadband noise shaped by slow, irregular swells."""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.ambience.colours import sloped_noise


def slow_curve(n: int, sample_rate: int, rng: np.random.Generator, rate_hz: float) -> np.ndarray:
    """A smooth random curve in [0, 1] changing about ``rate_hz`` times per second."""
    points = max(4, int(n / sample_rate * rate_hz) + 3)
    knots = rng.random(points)
    return np.interp(np.linspace(0, points - 1, n), np.arange(points), knots)


def wind(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """Wind: low rumble plus a band of rushing air whose strength and pitch follow the gusts."""
    gust = slow_curve(n, sample_rate, rng, float(rng.uniform(0.3, 1.5))) ** 1.5
    rumble = sloped_noise(n, sample_rate, rng, 2.0)
    centre = float(rng.uniform(300.0, 1200.0))
    # Whistle: the band's centre rises with the gust (two filter positions cross-faded).
    low = filters.apply_filters(rng.standard_normal(n), [filters.bandpass(sample_rate, centre, 2.0)])
    high = filters.apply_filters(rng.standard_normal(n),
                                 [filters.bandpass(sample_rate, min(2.2 * centre, 0.4 * sample_rate), 2.0)])
    air = (1 - gust) * low + gust * high
    rumble /= np.std(rumble) + 1e-12
    air = air / (np.std(air) + 1e-12)
    return (0.2 + gust) * (rumble + float(rng.uniform(0.3, 1.0)) * air)


def surf(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """Waves on a shore: pink-brown noise swelling every 4-10 s with a hiss of foam on top."""
    t = np.arange(n) / sample_rate
    period = float(rng.uniform(4.0, 10.0))
    swell = (0.5 + 0.5 * np.sin(2 * np.pi * t / period + rng.uniform(0, 6.3))) ** 2
    body = sloped_noise(n, sample_rate, rng, float(rng.uniform(1.0, 2.0)))
    foam = filters.apply_filters(rng.standard_normal(n), [filters.highpass(sample_rate, 2000.0)])
    return (0.15 + swell) * (body / (np.std(body) + 1e-12) + 0.4 * swell * foam / (np.std(foam) + 1e-12))

"""Running water and a shower.

A tap or a stream is mostly bubbles: each one rings briefly at its Minnaert
frequency (the smaller the bubble, the higher), and its pitch rises as it
nears the surface.  Hundreds of them per second over a broadband rush make
the gurgle.  A shower is the opposite: a dense, even spray with no single
events, brightened at the top, with the flutter of a moving stream.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.ambience.colours import sloped_noise
from workbench.training.synth.ambience.events import place
from workbench.training.synth.ambience.weather import slow_curve


def _bubbles(rng: np.random.Generator, sample_rate: int, n: int, per_second: float) -> np.ndarray:
    count = int(rng.poisson(per_second * n / sample_rate))
    length = int(0.04 * sample_rate)
    t = np.arange(length) / sample_rate
    top = 0.45 * sample_rate
    f0 = np.exp(rng.uniform(np.log(300.0), np.log(min(4000.0, 0.4 * sample_rate)), count))
    decay = rng.uniform(8.0, 30.0, count) / (np.pi * f0)  # Q of 8-30: big bubbles ring longer
    rise = rng.uniform(0.1, 0.6, count)  # pitch climbs this fraction per decay time
    pitch = np.minimum(f0[:, None] * (1.0 + rise[:, None] * t[None, :] / decay[:, None]), top)
    phase = 2 * np.pi * np.cumsum(pitch, axis=1) / sample_rate
    size = rng.lognormal(0.0, 0.6, count)
    grains = size[:, None] * np.exp(-t[None, :] / decay[:, None]) * np.sin(phase)
    return place(n, rng.integers(0, n, count), grains)


def water(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """A running tap or a stream: 50-800 bubbles a second over a broadband rush."""
    bubbles = _bubbles(rng, sample_rate, n, float(np.exp(rng.uniform(np.log(50.0), np.log(800.0)))))
    rush = filters.apply_filters(sloped_noise(n, sample_rate, rng, float(rng.uniform(0.0, 1.2))),
                                 [filters.highpass(sample_rate, float(rng.uniform(150.0, 600.0)))])
    rush = rush * (0.7 + 0.3 * slow_curve(n, sample_rate, rng, float(rng.uniform(0.5, 3.0))))
    return (bubbles / (np.std(bubbles) + 1e-12)
            + float(rng.uniform(0.2, 1.0)) * rush / (np.std(rush) + 1e-12))


def shower(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """A shower: dense broadband spray, a gentle high shelf, a tub resonance and a slow flutter."""
    spray = sloped_noise(n, sample_rate, rng, float(rng.uniform(-0.3, 0.5)))
    spray = filters.apply_filters(spray, [
        filters.highpass(sample_rate, float(rng.uniform(80.0, 250.0))),
        filters.high_shelf(sample_rate, min(float(rng.uniform(2000.0, 5000.0)), 0.4 * sample_rate),
                           float(rng.uniform(2.0, 6.0))),
        filters.peaking(sample_rate, float(rng.uniform(200.0, 700.0)), float(rng.uniform(2.0, 8.0)), 1.5),
    ])
    flutter = slow_curve(n, sample_rate, rng, float(rng.uniform(4.0, 12.0))) - 0.5
    drift = slow_curve(n, sample_rate, rng, float(rng.uniform(0.2, 1.0))) - 0.5
    return spray * (1.0 + float(rng.uniform(0.1, 0.4)) * flutter + 0.2 * drift)

"""Clicks and crackle: vinyl surface noise and electrical crackle."""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.ambience.colours import sloped_noise


def _impulses(rng, n, rate_per_frame, shape=2.0) -> np.ndarray:
    """Random clicks with heavy-tailed sizes, the loudest held to 6x the median pop
    (a few huge pops would leave the rest of a normalized clip inaudible)."""
    out = np.zeros(n)
    positions = rng.integers(0, n, size=max(1, rng.poisson(rate_per_frame * n)))
    sizes = np.minimum(rng.pareto(shape, len(positions)) + 0.1, 6.0 * np.median(rng.pareto(shape, 64)) + 0.6)
    np.add.at(out, positions, rng.choice([-1.0, 1.0], len(positions)) * sizes)
    return out


def vinyl(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """Record surface: sparse pops and dense ticks over a soft hiss and a 0.55-0.75 Hz rumble."""
    ticks = _impulses(rng, n, rng.uniform(40, 400) / sample_rate, 2.0)
    ticks = filters.apply_filters(ticks, [filters.highpass(sample_rate, 1000.0)])
    hiss = sloped_noise(n, sample_rate, rng, 0.5)
    t = np.arange(n) / sample_rate
    rumble = 0.3 * np.sin(2 * np.pi * rng.uniform(0.55, 0.75) * t) * sloped_noise(n, sample_rate, rng, 2.0)
    return ticks / (np.std(ticks) + 1e-12) + 0.3 * hiss / (np.std(hiss) + 1e-12) + rumble / (np.std(rumble) + 1e-12) * 0.2


def electric(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """Electrical crackle: bursts of dense clicks switching on and off (a bad contact)."""
    clicks = _impulses(rng, n, rng.uniform(300, 2000) / sample_rate, 2.5)
    gate = np.repeat(rng.random(n // 800 + 1) < 0.5, 800)[:n]
    body = filters.apply_filters(clicks * gate, [filters.bandpass(sample_rate, float(rng.uniform(500, 4000)), 0.7)])
    return body + 0.02 * np.std(body) * rng.standard_normal(n)

"""Household sounds: dishes clinking in a kitchen, and rustling paper, leaves or cloth."""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.ambience.colours import sloped_noise
from workbench.training.synth.ambience.events import decaying_noise, place, ringing
from workbench.training.synth.ambience.weather import slow_curve


def dishes(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """A kitchen: clatters of 1-6 clinks (short inharmonic high rings) and thuds over low room noise."""
    seconds = n / sample_rate
    clusters = max(1, int(rng.poisson(float(rng.uniform(0.5, 4.0)) * seconds)))
    sizes = rng.integers(1, 7, clusters)
    cluster_starts = rng.uniform(-0.1, seconds, clusters)
    # Clinks inside a clatter follow each other 10-80 ms apart.
    starts = np.repeat(cluster_starts, sizes) + np.concatenate(
        [np.cumsum(rng.exponential(0.03, size)) for size in sizes])
    count = len(starts)
    base = rng.uniform(1500.0, max(1600.0, min(6000.0, 0.42 * sample_rate)), count)
    ratios = np.column_stack([np.ones(count), rng.uniform(1.4, 2.2, count), rng.uniform(2.5, 4.2, count)])
    decay = rng.uniform(0.02, 0.08, count)
    length = int(0.3 * sample_rate)
    clinks = ringing(sample_rate, length, base[:, None] * ratios, decay[:, None] / np.sqrt(ratios),
                     rng.uniform(0.2, 1.0, (count, 3)) * rng.lognormal(0.0, 0.5, count)[:, None], rng)
    ticks = 0.5 * decaying_noise(rng, sample_rate, length, np.full(count, 0.0007))  # the hit itself
    frames = (starts * sample_rate).astype(np.int64)
    keep = frames >= 0
    out = place(n, frames[keep], (clinks + ticks)[keep])
    # Thuds: something set down on a counter (low-passed noise bursts).
    thud_starts = (cluster_starts[rng.random(clusters) < 0.4] * sample_rate).astype(np.int64)
    thud_starts = thud_starts[thud_starts >= 0]
    thuds = place(n, thud_starts, decaying_noise(rng, sample_rate, int(0.08 * sample_rate),
                                                 rng.uniform(0.005, 0.02, len(thud_starts))))
    thuds = filters.apply_filters(thuds, [filters.lowpass(sample_rate, float(rng.uniform(250.0, 600.0)))])
    room = filters.apply_filters(sloped_noise(n, sample_rate, rng, 1.5),
                                 [filters.lowpass(sample_rate, float(rng.uniform(500.0, 1500.0)))])
    scale = np.std(out) + 1e-12
    return (out + float(rng.uniform(0.5, 3.0)) * scale * thuds / (np.max(np.abs(thuds)) + 1e-12)
            + 10 ** (rng.uniform(-24.0, -10.0) / 20) * scale * room / (np.std(room) + 1e-12))


def rustle(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """Paper, leaves or clothing: gestures of high-passed crackle with jagged loudness."""
    clicks = np.zeros(n)
    count = int(rng.poisson(float(rng.uniform(2000.0, 10000.0)) * n / sample_rate))
    np.add.at(clicks, rng.integers(0, n, count), rng.choice([-1.0, 1.0], count) * (rng.pareto(3.0, count) + 0.2))
    grain = clicks / (np.std(clicks) + 1e-12) + float(rng.uniform(0.2, 1.0)) * rng.standard_normal(n)
    cut = min(float(rng.uniform(1000.0, 4000.0)), 0.35 * sample_rate)
    grain = filters.apply_filters(grain, [filters.highpass(sample_rate, cut), filters.highpass(sample_rate, cut)])
    # Gestures (a page turned, a sleeve brushed) switch on and off 1-4 times a second ...
    threshold = float(rng.uniform(0.2, 0.6))
    gesture = np.clip((slow_curve(n, sample_rate, rng, float(rng.uniform(1.0, 4.0))) - threshold)
                      / (1.0 - threshold), 0.0, 1.0)
    # ... and each crinkles irregularly, 20-60 swings a second.
    jagged = slow_curve(n, sample_rate, rng, float(rng.uniform(20.0, 60.0))) ** 2
    return grain * gesture * (0.2 + jagged) + 0.01 * rng.standard_normal(n)

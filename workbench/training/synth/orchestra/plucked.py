"""Plucked strings (Karplus-Strong): guitar, harp, plucked bass and koto-like zither.

The string itself is ``instruments.karplus_strong``; a family adds where the
string is plucked (a feed-forward comb removes the harmonics with a node at
that point) and a body (a few resonances).
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.instruments import karplus_strong
from workbench.training.synth.orchestra.shaping import note_frames


def _body(sample_rate: int, rng: np.random.Generator, centres: tuple[float, ...]):
    return [filters.peaking(sample_rate, min(c * rng.uniform(0.85, 1.15), 0.4 * sample_rate),
                            float(rng.uniform(3.0, 9.0)), float(rng.uniform(1.0, 3.0)))
            for c in centres]


def _string_patch(rng, sample_rate, decay_range, brightness_range, body_centres, gain=1.0):
    decay = float(rng.uniform(*decay_range))
    brightness = float(rng.uniform(*brightness_range))
    pluck_point = float(rng.uniform(0.08, 0.3))  # share of the string length
    body = _body(sample_rate, rng, body_centres)

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        tone = karplus_strong(frequency_hz, n / sample_rate, sample_rate, rng,
                              decay_s=decay, brightness=min(1.0, brightness * (0.6 + 0.5 * velocity)))
        delay = int(pluck_point * sample_rate / frequency_hz)
        if 0 < delay < n:
            tone = tone.copy()
            tone[delay:] -= 0.8 * tone[:-delay]
        return gain * filters.apply_filters(tone, body).astype(np.float64)[:n]

    return play


def guitar(rng: np.random.Generator, sample_rate: int):
    """Acoustic or clean electric guitar: medium decay, wooden body around 100-250 Hz and 2 kHz."""
    return _string_patch(rng, sample_rate, (1.0, 3.0), (0.4, 0.9), (110.0, 230.0, 2000.0))


def harp(rng: np.random.Generator, sample_rate: int):
    """Harp: long ringing, soft and round pluck."""
    return _string_patch(rng, sample_rate, (2.5, 5.0), (0.2, 0.5), (300.0, 900.0))


def plucked_bass(rng: np.random.Generator, sample_rate: int):
    """Plucked (double or electric) bass: dark, thumping."""
    return _string_patch(rng, sample_rate, (1.2, 3.5), (0.05, 0.3), (80.0, 700.0), gain=1.4)


def koto(rng: np.random.Generator, sample_rate: int):
    """Koto / zither-like: bright, short, nasal (plucked near the bridge)."""
    play = _string_patch(rng, sample_rate, (0.5, 1.4), (0.8, 1.0), (600.0, 1800.0, 3200.0))
    return play

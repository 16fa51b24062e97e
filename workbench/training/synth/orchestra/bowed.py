"""Bowed strings: violin, viola and cello.

A bowed string is a sawtooth-like harmonic series (Helmholtz motion) with a
slow attack, delayed vibrato, bow noise, and a wooden body that puts a few
broad resonances on the spectrum.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.orchestra.shaping import (
    adsr,
    fundamental_phase,
    harmonic_sum,
    noise_band,
    note_frames,
    sawtooth_amplitudes,
)


def _bowed(rng, sample_rate, body_centres, tilt_range):
    tilt = float(rng.uniform(*tilt_range))
    vibrato_hz = float(rng.uniform(4.5, 6.5))
    vibrato_cents = float(rng.uniform(10.0, 35.0))
    attack = float(rng.uniform(0.04, 0.2))
    body = [filters.peaking(sample_rate, min(c * rng.uniform(0.8, 1.2), 0.4 * sample_rate),
                            float(rng.uniform(4.0, 10.0)), float(rng.uniform(1.0, 2.5)))
            for c in body_centres]
    bow_noise = float(rng.uniform(0.02, 0.08))

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        phase = fundamental_phase(frequency_hz, n, sample_rate, rng, vibrato_hz, vibrato_cents,
                                  vibrato_delay_s=0.15, drift_cents=3.0)
        tone = harmonic_sum(phase, frequency_hz, sample_rate, sawtooth_amplitudes(40, tilt), rng)
        tone += bow_noise * noise_band(n, sample_rate, rng, 3 * frequency_hz, 0.8)
        # Bow pressure swells a little during the stroke.
        swell = 1.0 + 0.15 * np.sin(np.pi * np.arange(n) / n)
        env = adsr(n, sample_rate, attack, 0.3, 0.85, min(0.12, duration_s / 3)) * swell
        return filters.apply_filters(tone * env, body).astype(np.float64) * 0.5

    return play


def violin(rng: np.random.Generator, sample_rate: int):
    """Violin / viola: bright, body resonances around 280 Hz, 450 Hz, 2.5-3 kHz."""
    return _bowed(rng, sample_rate, (280.0, 460.0, 2800.0), (0.9, 1.2))


def cello(rng: np.random.Generator, sample_rate: int):
    """Cello / double bass (bowed): darker, body resonances lower down."""
    return _bowed(rng, sample_rate, (110.0, 220.0, 1200.0), (1.1, 1.5))

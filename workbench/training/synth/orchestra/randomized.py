"""Training-only instrument *spaces*: a randomized pitched voice and a randomized percussion kit.

These model no particular instrument.  Each patch draws its harmonic spectrum
(count, tilt, odd/even balance, per-partial jitter), slight inharmonicity, its
envelope (struck/plucked decay or bowed/blown attack-sustain-release), vibrato,
tremolo, breath noise and a formant filter at random, so that training covers
the space pitched instruments live in instead of one more list of them (domain
randomization: a classifier that has heard the whole space is not surprised by
an instrument it has never heard).  The kit does the same for percussion:
membranes, noise bursts and metal at random tunings and decays.

Neither is a named family (``families.ALL_FAMILIES``): the classifier's recipe
lets only training and validation use them, never evaluation.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.orchestra.shaping import (
    adsr,
    fundamental_phase,
    log_uniform,
    noise_band,
    note_frames,
)

# Stretched partials (piano-string stiffness): partial k sits at k * sqrt(1 + B k^2).
MAX_INHARMONICITY = 2e-4


def random_spectrum(rng: np.random.Generator) -> np.ndarray:
    """Harmonic amplitudes: 3-40 partials, random tilt, odd/even balance and jitter."""
    count = int(rng.integers(3, 41))
    k = np.arange(1, count + 1)
    amplitudes = 1.0 / k ** rng.uniform(0.3, 2.5)
    if rng.random() < 0.3:  # hollow, clarinet-like: weak even partials
        amplitudes = np.where(k % 2 == 1, amplitudes, amplitudes * rng.uniform(0.0, 0.5))
    amplitudes *= 10 ** (rng.normal(0.0, rng.uniform(0.0, 8.0), count) / 20)
    amplitudes[0] = max(amplitudes[0], 0.1 * amplitudes.max())  # keep a fundamental
    return amplitudes


def partial_ratios(count: int, inharmonicity: float) -> np.ndarray:
    k = np.arange(1, count + 1)
    return k * np.sqrt(1.0 + inharmonicity * k * k)


def _formant_filter(rng: np.random.Generator, sample_rate: int) -> list:
    """0-3 resonances (body, bore, cabinet) as peaking filters, and sometimes a low-pass."""
    chain = [filters.peaking(sample_rate, log_uniform(rng, 150.0, 0.4 * sample_rate),
                             float(rng.uniform(-12.0, 15.0)), float(rng.uniform(0.7, 6.0)))
             for _ in range(int(rng.integers(0, 4)))]
    if rng.random() < 0.3:
        chain.append(filters.lowpass(sample_rate, log_uniform(rng, 1500.0, 0.45 * sample_rate)))
    return chain


def random_pitched(rng: np.random.Generator, sample_rate: int):
    """Draw one randomized pitched instrument; returns ``play(frequency_hz, duration_s, velocity)``."""
    amplitudes = random_spectrum(rng)
    ratios = partial_ratios(len(amplitudes), log_uniform(rng, 1e-6, MAX_INHARMONICITY)
                            if rng.random() < 0.5 else 0.0)
    percussive = rng.random() < 0.4
    decay_s = log_uniform(rng, 0.15, 3.0)  # struck/plucked: 60 dB fall of the fundamental
    upper_faster = float(rng.uniform(0.0, 0.4))  # upper partials die sooner
    attack_s, sustain_decay_s = log_uniform(rng, 0.004, 0.3), log_uniform(rng, 0.05, 1.0)
    sustain, release_s = float(rng.uniform(0.3, 1.0)), log_uniform(rng, 0.02, 0.4)
    vibrato = (float(rng.uniform(3.0, 7.5)), float(rng.uniform(5.0, 40.0)),
               float(rng.uniform(0.0, 0.4))) if rng.random() < 0.5 else (0.0, 0.0, 0.0)
    tremolo = (float(rng.uniform(2.0, 8.0)), float(rng.uniform(0.1, 0.6))) \
        if rng.random() < 0.3 else (0.0, 0.0)
    drift_cents = float(rng.uniform(0.0, 8.0))
    breath = float(rng.uniform(0.03, 0.15)) if rng.random() < 0.3 else 0.0
    breath_centre = float(rng.uniform(1.0, 4.0))
    chain = _formant_filter(rng, sample_rate)

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        t = np.arange(n) / sample_rate
        phase = fundamental_phase(frequency_hz, n, sample_rate, rng, *vibrato,
                                  drift_cents=drift_cents)
        tone = np.zeros(n)
        for k, (amplitude, ratio) in enumerate(zip(amplitudes, ratios)):
            if ratio * frequency_hz * 1.03 >= sample_rate / 2:
                break
            partial = amplitude * np.sin(ratio * phase + rng.uniform(0, 2 * np.pi))
            if percussive:
                partial *= np.exp(-6.9 * t * (1.0 + upper_faster * k) / decay_s)
            tone += partial
        tone /= np.sqrt(np.mean(tone ** 2)) + 1e-12
        if breath:
            tone += breath * noise_band(n, sample_rate, rng, breath_centre * frequency_hz, 2.0)
        if percussive:
            envelope = adsr(n, sample_rate, 0.002, decay_s, 0.0, 0.03)
        else:
            envelope = adsr(n, sample_rate, attack_s, sustain_decay_s, sustain, release_s)
        if tremolo[1]:
            envelope = envelope * (1.0 - tremolo[1] * 0.5 * (1 + np.sin(2 * np.pi * tremolo[0] * t)))
        out = tone * envelope
        if chain:
            out = np.asarray(filters.apply_filters(out, chain), dtype=np.float64)
        return velocity * out
    return play


def _decay(n: int, sample_rate: int, decay_s: float) -> np.ndarray:
    t = np.arange(n) / sample_rate
    return np.minimum(1.0, t / 0.001) * np.exp(-6.9 * t / decay_s)


def _stroke(rng: np.random.Generator, sample_rate: int, low_hz: float, high_hz: float):
    """One randomized percussion sound: membrane, noise burst and metal mixed at random."""
    seconds = log_uniform(rng, 0.05, 0.8)
    n = int(seconds * sample_rate)
    t = np.arange(n) / sample_rate
    pitch = log_uniform(rng, low_hz, high_hz)
    drop = float(rng.uniform(1.0, 3.0))
    membrane = np.sin(2 * np.pi * np.cumsum(pitch * (1 + (drop - 1) * np.exp(-t / 0.02)))
                      / sample_rate)
    centre = log_uniform(rng, max(low_hz, 150.0), 0.4 * sample_rate)
    burst = filters.apply_filters(rng.standard_normal(n),
                                  [filters.bandpass(sample_rate, centre, float(rng.uniform(0.5, 4.0)))])
    burst = np.asarray(burst, dtype=np.float64) / (np.std(burst) + 1e-12)
    metal_ratios = rng.uniform(1.0, 6.0, int(rng.integers(3, 7)))
    metal_base = log_uniform(rng, 200.0, 900.0)
    metal = sum(np.sin(2 * np.pi * metal_base * r * t + rng.uniform(0, 6.3)) for r in metal_ratios)
    weights = rng.dirichlet(np.ones(3))
    sound = (weights[0] * membrane * _decay(n, sample_rate, seconds * rng.uniform(0.4, 1.0))
             + weights[1] * burst * _decay(n, sample_rate, seconds * rng.uniform(0.1, 0.6))
             + weights[2] * metal / len(metal_ratios) * _decay(n, sample_rate, seconds))
    return sound / (np.max(np.abs(sound)) + 1e-12)


# Register of each score role (Hz): the kick stays low and the hats high, the rest anywhere.
_ROLE_RANGES = {"kick": (40.0, 120.0), "snare": (120.0, 400.0), "hat": (2000.0, 6000.0),
                "open_hat": (2000.0, 6000.0), "tom": (70.0, 500.0), "perc": (150.0, 1500.0)}


def random_kit(rng: np.random.Generator, sample_rate: int):
    """Draw one randomized percussion kit; returns ``hit(role, velocity)`` (roles of ``kits``)."""
    strokes = {role: _stroke(rng, sample_rate, *band) for role, band in _ROLE_RANGES.items()}

    def hit(role: str, velocity: float) -> np.ndarray:
        if role not in strokes:
            raise ValueError(f"unknown percussion role {role!r}; use one of {sorted(strokes)}")
        return velocity * strokes[role]
    return hit

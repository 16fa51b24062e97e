"""Organs and free-reed keyboards: drawbar organ (with rotary speaker), pipe organ, accordion."""

from __future__ import annotations

import numpy as np

from workbench.training.synth.orchestra.shaping import (
    adsr,
    fundamental_phase,
    harmonic_sum,
    noise_band,
    note_frames,
    sawtooth_amplitudes,
)

# Drawbar footages as multiples of the played note (16', 5 1/3', 8', 4', 2 2/3', 2', ...).
DRAWBAR_RATIOS = (0.5, 1.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0)


def drawbar_organ(rng: np.random.Generator, sample_rate: int):
    """Tonewheel / pipe organ: random drawbar registration, key click, optional rotary speaker."""
    drawbars = rng.integers(0, 9, len(DRAWBAR_RATIOS)) / 8.0
    drawbars[2] = max(drawbars[2], 0.75)  # the 8' fundamental is always drawn
    rotary_hz = float(rng.choice([0.0, rng.uniform(0.7, 1.2), rng.uniform(5.5, 7.0)]))

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        t = np.arange(n) / sample_rate
        out = np.zeros(n)
        for ratio, level in zip(DRAWBAR_RATIOS, drawbars):
            f = frequency_hz * ratio
            if level and f < 0.45 * sample_rate:
                out += level * np.sin(2 * np.pi * f * t + rng.uniform(0, 6.3))
        if rotary_hz:
            out *= 1.0 + 0.25 * np.sin(2 * np.pi * rotary_hz * t)
        click = rng.standard_normal(min(n, 80)) * np.linspace(0.3, 0.0, min(n, 80))
        out[: len(click)] += click
        return out * adsr(n, sample_rate, 0.005, 0.1, 1.0, min(0.03, duration_s / 3)) * 0.35

    return play


def accordion(rng: np.random.Generator, sample_rate: int):
    """Accordion / harmonium: two or three detuned reeds (musette beating), bellows swell."""
    reeds = [1.0] + [1.0 + rng.uniform(0.002, 0.008) * s for s in (1, -1)[: int(rng.integers(1, 3))]]
    tilt = float(rng.uniform(0.8, 1.3))
    bellows_hz = float(rng.uniform(0.3, 1.0))

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        out = np.zeros(n)
        for detune in reeds:
            phase = fundamental_phase(frequency_hz * detune, n, sample_rate, rng)
            out += harmonic_sum(phase, frequency_hz * detune, sample_rate,
                                sawtooth_amplitudes(30, tilt), rng)
        t = np.arange(n) / sample_rate
        swell = 1.0 + 0.1 * np.sin(2 * np.pi * bellows_hz * t)
        env = adsr(n, sample_rate, 0.03, 0.1, 0.9, min(0.05, duration_s / 3))
        return out * env * swell * 0.4

    return play


# Flue-pipe ranks by footage as multiples of the played note: 16', 8', 4', 2'.
PIPE_RANKS = (0.5, 1.0, 2.0, 4.0)


def pipe_organ(rng: np.random.Generator, sample_rate: int):
    """Pipe organ: flue ranks 16'/8'/4'/2' a few cents apart, chiff as each pipe speaks, no rotor."""
    # A registration: the 8' principal always, each other stop drawn or not.
    levels = np.array([0.6, 1.0, 0.8, 0.5]) * rng.uniform(0.3, 1.0, 4)
    levels[rng.random(4) < 0.35] = 0.0
    levels[1] = 1.0
    cents = rng.uniform(-3.0, 3.0, len(PIPE_RANKS))
    # Principals have a few soft harmonics; a flute stop is nearly a sine.
    amplitudes = (1.0, float(rng.uniform(0.1, 0.5)), float(rng.uniform(0.05, 0.3)), 0.08, 0.04)
    speech_s = float(rng.uniform(0.03, 0.08))

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        t = np.arange(n) / sample_rate
        out = np.zeros(n)
        for ratio, level, cent in zip(PIPE_RANKS, levels, cents):
            f = frequency_hz * ratio * 2.0 ** (cent / 1200.0)
            if level == 0.0 or f >= 0.4 * sample_rate:
                continue
            phase = 2 * np.pi * f * t
            out += level * harmonic_sum(phase, f, sample_rate, amplitudes, rng)
        chiff = noise_band(n, sample_rate, rng, 3.0 * frequency_hz, 3.0) * np.exp(-t / (speech_s / 2))
        wind = 0.02 * noise_band(n, sample_rate, rng, 2.0 * frequency_hz, 1.0)
        env = adsr(n, sample_rate, speech_s, 0.1, 1.0, min(0.15, duration_s / 3))
        return 0.3 * env * (out + 0.5 * chiff + wind)

    return play

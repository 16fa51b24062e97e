"""Wind instruments: flutes, pan pipes, reeds (clarinet, saxophone, oboe) and brass, with breath.

Flutes are nearly sinusoidal with audible breath; clarinets favour odd
harmonics; reeds are rich and nasal (formant peaks); brass gets brighter as it
gets louder (the brightness follows the envelope).
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
    odd_amplitudes,
    sawtooth_amplitudes,
)


def _wind(rng, sample_rate, amplitudes, breath, formants=(), attack_range=(0.03, 0.1),
          vibrato_cents=(0.0, 25.0)):
    attack = float(rng.uniform(*attack_range))
    vib_hz, vib_cents = float(rng.uniform(4.0, 6.0)), float(rng.uniform(*vibrato_cents))
    shape = [filters.peaking(sample_rate, min(f * rng.uniform(0.85, 1.15), 0.4 * sample_rate),
                             float(rng.uniform(4.0, 10.0)), 2.0) for f in formants]

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        phase = fundamental_phase(frequency_hz, n, sample_rate, rng, vib_hz, vib_cents,
                                  vibrato_delay_s=0.25, drift_cents=4.0)
        tone = harmonic_sum(phase, frequency_hz, sample_rate, amplitudes, rng)
        env = adsr(n, sample_rate, attack, 0.2, 0.8, min(0.08, duration_s / 3))
        air = breath * noise_band(n, sample_rate, rng, 2.0 * frequency_hz, 0.7)
        # Breath is strongest in the attack (the "chiff"), then stays under the tone.
        air *= 0.5 + 1.5 * np.exp(-np.arange(n) / (0.05 * sample_rate))
        out = (tone + air) * env
        return filters.apply_filters(out, shape).astype(np.float64) if shape else out

    return play


def flute(rng: np.random.Generator, sample_rate: int):
    """Flute / recorder / pan pipe: strong fundamental, weak harmonics, breathy."""
    amplitudes = (1.0, float(rng.uniform(0.1, 0.4)), float(rng.uniform(0.05, 0.2)), 0.05, 0.02)
    return _wind(rng, sample_rate, amplitudes, float(rng.uniform(0.08, 0.25)))


def clarinet(rng: np.random.Generator, sample_rate: int):
    """Clarinet: odd harmonics in the low register, a woody formant."""
    amplitudes = odd_amplitudes(25, float(rng.uniform(0.8, 1.3)), float(rng.uniform(0.02, 0.15)))
    return _wind(rng, sample_rate, amplitudes, 0.03, formants=(1500.0,), vibrato_cents=(0, 8))


def sax(rng: np.random.Generator, sample_rate: int):
    """Saxophone / oboe: rich reed spectrum with nasal formants, expressive vibrato."""
    amplitudes = sawtooth_amplitudes(35, float(rng.uniform(0.6, 1.0)))
    return _wind(rng, sample_rate, amplitudes, 0.05, formants=(600.0, 1400.0, 2800.0),
                 vibrato_cents=(10.0, 35.0))


def brass(rng: np.random.Generator, sample_rate: int):
    """Trumpet / horn / trombone: brightness rises with loudness (lip buzz through a bell)."""
    dark_tilt, bright_tilt = float(rng.uniform(1.6, 2.2)), float(rng.uniform(0.7, 1.0))
    attack = float(rng.uniform(0.03, 0.08))

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        phase = fundamental_phase(frequency_hz, n, sample_rate, rng, 5.0, 8.0, 0.3, 3.0)
        env = adsr(n, sample_rate, attack, 0.15, 0.75, min(0.08, duration_s / 3))
        dark = harmonic_sum(phase, frequency_hz, sample_rate, sawtooth_amplitudes(30, dark_tilt), rng)
        bright = harmonic_sum(phase, frequency_hz, sample_rate,
                              sawtooth_amplitudes(30, bright_tilt), rng)
        mix = np.clip(env * velocity, 0.0, 1.0)
        return env * ((1.0 - mix) * dark + mix * bright) * 0.7

    return play


def oboe(rng: np.random.Generator, sample_rate: int):
    """Oboe: double reed's narrow pulse (weak fundamental) through nasal formants near 1.1 and 2.7 kHz."""
    duty = float(rng.uniform(0.12, 0.25))
    k = np.arange(1, 31)
    amplitudes = np.abs(np.sin(np.pi * k * duty)) / k ** 0.6  # a narrow pulse's spectrum
    amplitudes[0] *= float(rng.uniform(0.2, 0.4))
    return _wind(rng, sample_rate, amplitudes, 0.02, formants=(1100.0, 2700.0),
                 attack_range=(0.02, 0.05), vibrato_cents=(8.0, 20.0))


def pan_flute(rng: np.random.Generator, sample_rate: int):
    """Pan flute: near-sine pipe tone, loud breath through the pipe's resonance, chiffy attack."""
    breath = float(rng.uniform(0.3, 0.6))
    second = float(rng.uniform(0.02, 0.1))
    attack = float(rng.uniform(0.04, 0.1))

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        t = np.arange(n) / sample_rate
        phase = fundamental_phase(frequency_hz, n, sample_rate, rng, 5.0, 12.0,
                                  vibrato_delay_s=0.3, drift_cents=6.0)
        tone = harmonic_sum(phase, frequency_hz, sample_rate, (1.0, second, 0.03), rng)
        # The closed pipe filters the breath noise around its note; the rest is broad hiss.
        air = breath * (0.6 * noise_band(n, sample_rate, rng, frequency_hz, 6.0)
                        + 0.4 * noise_band(n, sample_rate, rng, 3000.0, 0.5))
        chiff = 1.5 * noise_band(n, sample_rate, rng, 3.0 * frequency_hz, 2.0) * np.exp(-t / 0.03)
        env = adsr(n, sample_rate, attack, 0.3, 0.85, min(0.1, duration_s / 3))
        tone_env = np.clip(t / (attack * 1.5), 0.0, 1.0)  # the tone speaks after the breath
        return 0.7 * env * (tone * tone_env + air + chiff)

    return play

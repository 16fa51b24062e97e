"""Struck instruments by modal synthesis: bells, bars, steelpan and chimes, and the piano.

A struck bar, plate or bell rings in a few modes whose frequency ratios are not
harmonic; each mode decays on its own (upper modes faster).  The piano is a
string with slight inharmonicity (f_k = k f sqrt(1 + B k^2)) and a hammer thump.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth.orchestra.shaping import decay_envelope, noise_band, note_frames

# (ratio, relative amplitude, relative decay) per mode.
BELL_MODES = ((0.5, 0.6, 1.0), (1.0, 1.0, 0.8), (1.19, 0.6, 0.6), (1.5, 0.4, 0.5),
              (2.0, 0.5, 0.45), (2.51, 0.3, 0.35), (2.66, 0.25, 0.3), (3.01, 0.2, 0.25))
MARIMBA_MODES = ((1.0, 1.0, 1.0), (3.99, 0.35, 0.25), (10.65, 0.12, 0.08))
VIBRAPHONE_MODES = ((1.0, 1.0, 1.0), (4.0, 0.4, 0.3), (10.0, 0.1, 0.1))
GLOCKENSPIEL_MODES = ((1.0, 1.0, 1.0), (2.71, 0.5, 0.5), (5.15, 0.25, 0.3), (8.43, 0.1, 0.2))
# Steelpan notes are tuned so the dome's modes sit near 1, 2 and 3 times the note.
STEEL_DRUM_MODES = ((1.0, 1.0, 1.0), (2.0, 0.8, 0.7), (3.0, 0.3, 0.45), (4.02, 0.08, 0.3))
# A tube rings as a free bar: modes go as (2m+1)^2 (9, 25, 49, 81, 121, 169, 225); the
# heard strike note is the virtual pitch an octave under mode 4 (81 / 40.5 = 2.0).
TUBULAR_BELL_MODES = tuple((m * m / 40.5, a, d) for m, a, d in (
    (3, 0.05, 1.0), (5, 0.2, 1.0), (7, 0.5, 0.9), (9, 1.0, 0.8), (11, 0.8, 0.6),
    (13, 0.6, 0.45), (15, 0.3, 0.35)))


def _modal(rng, sample_rate, modes, decay_range, strike_noise=0.0, tremolo=None):
    decay = float(rng.uniform(*decay_range))
    detune = rng.uniform(0.995, 1.005, len(modes))
    tremolo_hz = float(rng.uniform(*tremolo)) if tremolo else 0.0

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        t = np.arange(n) / sample_rate
        out = np.zeros(n)
        for (ratio, amplitude, relative_decay), d in zip(modes, detune):
            f = frequency_hz * ratio * d
            if f >= 0.45 * sample_rate:
                continue
            # Harder strokes bring out the upper modes.
            weight = amplitude * (velocity ** (0.5 if ratio > 1.5 else 0.0))
            out += weight * np.sin(2 * np.pi * f * t + rng.uniform(0, 6.3)) \
                * np.exp(-6.9 * t / (decay * relative_decay))
        if tremolo_hz:
            out *= 1.0 - 0.35 * (0.5 + 0.5 * np.sin(2 * np.pi * tremolo_hz * t))
        if strike_noise:
            click = noise_band(n, sample_rate, rng, 4 * frequency_hz, 1.0)
            out += strike_noise * click * np.exp(-t / 0.004)
        return out * decay_envelope(n, sample_rate, 60.0, attack_s=0.001)

    return play


def bell(rng: np.random.Generator, sample_rate: int):
    """Church / tubular bell: hum note an octave down, minor-third partial, long ring."""
    return _modal(rng, sample_rate, BELL_MODES, (2.0, 5.0), strike_noise=0.05)


def marimba(rng: np.random.Generator, sample_rate: int):
    """Marimba / xylophone: wooden bar tuned so mode 2 is two octaves up, short and woody."""
    return _modal(rng, sample_rate, MARIMBA_MODES, (0.3, 1.0), strike_noise=0.15)


def vibraphone(rng: np.random.Generator, sample_rate: int):
    """Vibraphone: metal bars, long sustain, motor tremolo 3-7 Hz."""
    return _modal(rng, sample_rate, VIBRAPHONE_MODES, (1.5, 4.0), 0.05, tremolo=(3.0, 7.0))


def glockenspiel(rng: np.random.Generator, sample_rate: int):
    """Glockenspiel / celesta: small steel bars, bright, inharmonic."""
    return _modal(rng, sample_rate, GLOCKENSPIEL_MODES, (0.8, 2.5), strike_noise=0.08)


def piano(rng: np.random.Generator, sample_rate: int):
    """Piano: stiff strings (inharmonic partials), two detuned strings, hammer thump."""
    stiffness = float(rng.uniform(0.0001, 0.0008))
    brightness = float(rng.uniform(0.8, 1.6))
    base_decay = float(rng.uniform(2.0, 5.0))

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        t = np.arange(n) / sample_rate
        out = np.zeros(n)
        decay = base_decay * (220.0 / frequency_hz) ** 0.4  # low notes ring longer
        for k in range(1, 24):
            f = k * frequency_hz * np.sqrt(1.0 + stiffness * k * k)
            if f >= 0.45 * sample_rate:
                break
            amplitude = velocity ** (0.3 * k / brightness) / k ** (1.2 / brightness)
            for string_detune in (1.0, 1.0 + rng.uniform(0.0003, 0.0015)):
                out += 0.5 * amplitude * np.sin(2 * np.pi * f * string_detune * t
                                                + rng.uniform(0, 6.3)) \
                    * np.exp(-6.9 * t / (decay / (1.0 + 0.25 * (k - 1))))
        thump = noise_band(n, sample_rate, rng, 120.0, 1.5) * np.exp(-t / 0.01)
        out += 0.1 * velocity * thump
        return out * decay_envelope(n, sample_rate, 60.0, attack_s=0.002, release_s=0.08)

    return play


def steel_drum(rng: np.random.Generator, sample_rate: int):
    """Steelpan: a hammered dome tuned to partials 1, 2, 3 (strong octave), rubber-tipped stick."""
    return _modal(rng, sample_rate, STEEL_DRUM_MODES, (0.8, 2.0), strike_noise=0.1)


def tubular_bells(rng: np.random.Generator, sample_rate: int):
    """Tubular bells (chimes): long inharmonic ring of a hanging tube, hammer strike tone."""
    return _modal(rng, sample_rate, TUBULAR_BELL_MODES, (4.0, 8.0), strike_noise=0.15)

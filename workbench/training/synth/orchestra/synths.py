"""Synthesizer voices: pads, leads, synth bass (subtractive, with filter envelopes) and FM keys.

Subtractive voices run detuned band-limited oscillators through a low-pass
filter whose cut-off follows an envelope.  A swept filter is approximated by
filtering the note at a few fixed cut-offs and cross-fading between them along
the envelope: cheap, and smooth enough for 0.9 s windows.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.orchestra.shaping import (
    adsr,
    fundamental_phase,
    harmonic_sum,
    log_uniform,
    note_frames,
    odd_amplitudes,
    sawtooth_amplitudes,
)


def _oscillators(rng, waveform: str, voices: int, spread_cents: float):
    detunes = 2.0 ** (np.linspace(-spread_cents, spread_cents, voices) / 1200.0) if voices > 1 \
        else np.ones(1)
    amplitudes = sawtooth_amplitudes(60) if waveform == "saw" else odd_amplitudes(60, 1.0, 0.0)
    return detunes, amplitudes


def _swept_lowpass(tone: np.ndarray, sample_rate: int, cutoff_env: np.ndarray,
                   resonance: float) -> np.ndarray:
    """Cross-fade of the tone low-passed at cut-offs spaced an octave apart."""
    top = 0.42 * sample_rate
    lowest, highest = float(max(60.0, cutoff_env.min())), float(min(top, cutoff_env.max()))
    steps = max(2, int(np.ceil(np.log2(max(highest / lowest, 1.01)))) + 1)
    cutoffs = np.geomspace(lowest, max(highest, lowest * 1.01), steps)
    bank = np.stack([filters.apply_filters(tone, [filters.lowpass(sample_rate, float(c), resonance)])
                     for c in cutoffs])
    position = np.interp(np.log(np.clip(cutoff_env, lowest, highest)), np.log(cutoffs),
                         np.arange(steps))
    low = np.clip(np.floor(position).astype(int), 0, steps - 2)
    frac = position - low
    columns = np.arange(len(tone))
    return (1 - frac) * bank[low, columns] + frac * bank[low + 1, columns]


def _subtractive(rng, sample_rate, waveform, voices, spread_cents, amp_adsr, cutoff_range,
                 filter_adsr, env_amount, gain):
    detunes, amplitudes = _oscillators(rng, waveform, voices, spread_cents)
    base_cutoff = log_uniform(rng, *cutoff_range)
    resonance = float(rng.uniform(0.7, 4.0))

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        tone = np.zeros(n)
        for detune in detunes:
            phase = fundamental_phase(frequency_hz * detune, n, sample_rate, rng)
            tone += harmonic_sum(phase, frequency_hz * detune, sample_rate, amplitudes, rng)
        tone /= np.sqrt(len(detunes))
        release = min(amp_adsr[3], duration_s / 3)
        fenv = adsr(n, sample_rate, filter_adsr[0], filter_adsr[1], filter_adsr[2], release)
        cutoff = base_cutoff * (1.0 + env_amount * velocity * fenv)
        out = _swept_lowpass(tone, sample_rate, cutoff, resonance)
        return gain * out * adsr(n, sample_rate, amp_adsr[0], amp_adsr[1], amp_adsr[2], release)

    return play


def pad(rng: np.random.Generator, sample_rate: int):
    """Pad / strings machine: many detuned saws, slow attack, slowly opening filter."""
    return _subtractive(rng, sample_rate, str(rng.choice(["saw", "square"])),
                        int(rng.integers(3, 8)), float(rng.uniform(8.0, 25.0)),
                        (float(rng.uniform(0.2, 0.8)), 0.5, 0.9, 0.4), (300.0, 1500.0),
                        (float(rng.uniform(0.3, 1.5)), 1.0, 0.6), float(rng.uniform(1.0, 4.0)),
                        0.35)


def lead(rng: np.random.Generator, sample_rate: int):
    """Mono lead: one or two saw/square oscillators, snappy filter envelope, resonance."""
    return _subtractive(rng, sample_rate, str(rng.choice(["saw", "square"])),
                        int(rng.integers(1, 3)), float(rng.uniform(3.0, 12.0)),
                        (0.01, 0.2, 0.8, 0.06), (500.0, 2500.0),
                        (0.005, float(rng.uniform(0.08, 0.4)), 0.3), float(rng.uniform(2.0, 6.0)),
                        0.45)


def synth_bass(rng: np.random.Generator, sample_rate: int):
    """Synth bass: saw or square, low cut-off, plucky filter envelope."""
    return _subtractive(rng, sample_rate, str(rng.choice(["saw", "square"])), 1, 0.0,
                        (0.005, 0.3, 0.7, 0.05), (150.0, 600.0),
                        (0.002, float(rng.uniform(0.05, 0.25)), 0.1), float(rng.uniform(2.0, 8.0)),
                        0.7)


def fm_keys(rng: np.random.Generator, sample_rate: int):
    """Two-operator FM: electric piano, FM bell or clav depending on ratio and index."""
    ratio = float(rng.choice([1.0, 2.0, 3.0, 3.5, 1.41, 7.0]))
    index = float(rng.uniform(0.5, 5.0))
    decay = float(rng.uniform(0.6, 3.0))
    index_decay = float(rng.uniform(0.1, 1.0))

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        t = np.arange(n) / sample_rate
        modulation = index * velocity * np.exp(-t / index_decay) \
            * np.sin(2 * np.pi * ratio * frequency_hz * t)
        carrier = np.sin(2 * np.pi * frequency_hz * t + modulation)
        env = adsr(n, sample_rate, 0.003, decay, 0.0, min(0.05, duration_s / 3))
        return 0.6 * carrier * env

    return play

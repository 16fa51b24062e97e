"""Synthesizer voices: pads, leads, basses, plucks, supersaws (subtractive), FM keys, chiptune.

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
    lowest = float(min(max(60.0, cutoff_env.min()), top))  # a whole envelope above the top
    highest = float(min(top, cutoff_env.max()))
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


def _blep_saw(frequency_hz: float, n: int, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """Sawtooth with PolyBLEP-smoothed resets: one vectorized oscillator, little aliasing."""
    dt = frequency_hz / sample_rate
    phase = (rng.uniform(0.0, 1.0) + dt * np.arange(n)) % 1.0
    saw = 2.0 * phase - 1.0
    start, end = phase < dt, phase > 1.0 - dt
    x = phase[start] / dt
    saw[start] -= x + x - x * x - 1.0
    x = (phase[end] - 1.0) / dt
    saw[end] -= x * x + x + x + 1.0
    return saw


def supersaw(rng: np.random.Generator, sample_rate: int):
    """Supersaw (trance / EDM): seven detuned saws, the centre one loudest, enveloped low-pass."""
    spread = float(rng.uniform(10.0, 45.0))
    offsets = np.array([-1.0, -0.62, -0.3, 0.0, 0.3, 0.62, 1.0]) * spread
    weights = np.where(offsets == 0.0, 1.0, float(rng.uniform(0.5, 0.8)))
    base_cutoff = log_uniform(rng, 800.0, 3000.0)
    env_amount = float(rng.uniform(0.5, 3.0))
    attack, release = float(rng.uniform(0.005, 0.1)), float(rng.uniform(0.1, 0.4))

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        tone = sum(w * _blep_saw(frequency_hz * 2.0 ** (c / 1200.0), n, sample_rate, rng)
                   for c, w in zip(offsets, weights)) / np.sqrt(np.sum(weights ** 2))
        rel = min(release, duration_s / 3)
        fenv = adsr(n, sample_rate, attack, 0.4, 0.3, rel)
        out = _swept_lowpass(tone, sample_rate, base_cutoff * (1.0 + env_amount * velocity * fenv), 0.8)
        return 0.3 * out * adsr(n, sample_rate, attack, 0.3, 0.85, rel)

    return play


def synth_pluck(rng: np.random.Generator, sample_rate: int):
    """Synth pluck: a saw or two through a low-pass that snaps shut in tens of milliseconds."""
    detune = 2.0 ** (float(rng.uniform(0.0, 12.0)) / 1200.0) if rng.random() < 0.6 else 0.0
    filter_decay = float(rng.uniform(0.02, 0.12))
    amp_decay = float(rng.uniform(0.15, 0.6))
    base_cutoff = log_uniform(rng, 200.0, 700.0)
    peak = float(rng.uniform(8.0, 25.0))
    resonance = float(rng.uniform(0.7, 3.0))

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        t = np.arange(n) / sample_rate
        tone = _blep_saw(frequency_hz, n, sample_rate, rng)
        if detune:
            tone = 0.7 * (tone + _blep_saw(frequency_hz * detune, n, sample_rate, rng))
        cutoff = base_cutoff * (1.0 + peak * velocity * np.exp(-t / filter_decay))
        out = _swept_lowpass(tone, sample_rate, cutoff, resonance)
        env = np.minimum(1.0, t / 0.002) * np.exp(-t / amp_decay)
        r = min(n, int(0.02 * sample_rate))
        env[-r:] *= np.linspace(1.0, 0.0, r)
        return 0.6 * out * env

    return play


def chiptune(rng: np.random.Generator, sample_rate: int):
    """Game-console pulse channel: 12.5/25/50% duty, 16-step volume set per 60 Hz frame, arpeggios."""
    duty = float(rng.choice([0.125, 0.25, 0.5]))
    arpeggio = [(0,), (0, 12), (0, 7, 12)][int(rng.choice(3, p=[0.6, 0.2, 0.2]))]
    frames_per_step = int(rng.integers(1, 3))
    # Volume steps lost per frame: a held organ-like note (0) or a decaying pluck.
    fade_steps_per_frame = 0.0 if rng.random() < 0.4 else float(rng.uniform(0.05, 0.4))

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        frame = (np.arange(n) * 60 // sample_rate).astype(int)  # the console updates at 60 Hz
        semitones = np.asarray(arpeggio)[(frame // frames_per_step) % len(arpeggio)]
        phase = np.cumsum(frequency_hz * 2.0 ** (semitones / 12.0)) / sample_rate
        pulse = np.where(phase % 1.0 < duty, 1.0, 0.0) - duty  # raw steps, no band-limiting
        volume = np.maximum(0, np.round(15 * velocity) - np.floor(fade_steps_per_frame * frame))
        volume[-min(n, sample_rate // 60):] = 0.0  # key off: silent at the next frame
        return 0.5 * pulse * volume / 15.0

    return play


# Upper partials of `sine_synth`: harmonics, and the bar ratios of struck metal.
_SINE_PARTIALS = (2.0, 3.0, 4.0, 2.76, 5.4)


def sine_synth(rng: np.random.Generator, sample_rate: int):
    """The plainest synth voice: a sine, or a sine and one upper partial, switched on and off
    with millisecond fades (or decaying slowly), no vibrato - a test signal's timbre that plays
    music.  What tells its notes from beeps and DTMF is the music: pitches, chords, rhythm."""
    partial = None if rng.random() < 0.4 else float(rng.choice(_SINE_PARTIALS))
    partial_gain = float(rng.uniform(0.2, 0.8))
    fade_s = float(rng.uniform(0.003, 0.012))
    decay_s = None if rng.random() < 0.6 else float(rng.uniform(0.4, 3.0))

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        t = np.arange(n) / sample_rate
        wave = np.sin(2 * np.pi * frequency_hz * t)
        if partial is not None and partial * frequency_hz < 0.45 * sample_rate:
            wave = wave + partial_gain * np.sin(2 * np.pi * partial * frequency_hz * t)
        env = np.ones(n) if decay_s is None else np.exp(-t / decay_s)
        ramp = min(n // 2, max(1, int(fade_s * sample_rate)))
        env[:ramp] *= np.linspace(0.0, 1.0, ramp)
        env[n - ramp:] *= np.linspace(1.0, 0.0, ramp)
        return 0.5 * velocity * wave * env

    return play

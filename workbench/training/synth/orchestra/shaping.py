"""Envelopes, vibrato and band-limited harmonic sums shared by the instrument voices."""

from __future__ import annotations

import numpy as np


def note_frames(duration_s: float, sample_rate: int) -> int:
    """Frames of a note (at least 32, so envelopes always have room)."""
    return max(32, int(duration_s * sample_rate))


def adsr(n: int, sample_rate: int, attack_s: float, decay_s: float, sustain: float,
         release_s: float) -> np.ndarray:
    """Attack-decay-sustain-release envelope of ``n`` frames (the release ends the note)."""
    t = np.arange(n) / sample_rate
    env = np.minimum(1.0, t / max(attack_s, 1e-4))
    after = np.maximum(0.0, t - attack_s)
    env = np.where(t < attack_s, env, sustain + (1.0 - sustain) * np.exp(-after / max(decay_s, 1e-4)))
    r = min(n, int(release_s * sample_rate))
    if r > 0:
        env[-r:] *= np.linspace(1.0, 0.0, r)
    return env


def decay_envelope(n: int, sample_rate: int, decay_s: float, attack_s: float = 0.002,
                   release_s: float = 0.03) -> np.ndarray:
    """Fast attack, exponential fall by 60 dB over ``decay_s``, short release at the end."""
    t = np.arange(n) / sample_rate
    env = np.minimum(1.0, t / attack_s) * np.exp(-6.9 * t / decay_s)
    r = min(n, int(release_s * sample_rate))
    env[-r:] *= np.linspace(1.0, 0.0, r)
    return env


def fundamental_phase(frequency_hz: float, n: int, sample_rate: int, rng: np.random.Generator,
                      vibrato_hz: float = 0.0, vibrato_cents: float = 0.0,
                      vibrato_delay_s: float = 0.0, drift_cents: float = 0.0) -> np.ndarray:
    """Running phase (radians) of a fundamental with delayed vibrato and slow random drift."""
    t = np.arange(n) / sample_rate
    cents = np.zeros(n)
    if vibrato_cents > 0.0:
        depth = vibrato_cents * np.clip((t - vibrato_delay_s) / 0.2, 0.0, 1.0)
        cents += depth * np.sin(2 * np.pi * vibrato_hz * t + rng.uniform(0, 2 * np.pi))
    if drift_cents > 0.0:
        cents += drift_cents * np.sin(2 * np.pi * rng.uniform(0.2, 1.0) * t + rng.uniform(0, 6.3))
    inst = frequency_hz * 2.0 ** (cents / 1200.0)
    return 2 * np.pi * np.cumsum(inst) / sample_rate


def harmonic_sum(phase: np.ndarray, frequency_hz: float, sample_rate: int, amplitudes,
                 rng: np.random.Generator, partial_decays_s=None) -> np.ndarray:
    """Sum of harmonics k = 1.. with ``amplitudes[k-1]``, skipping those above Nyquist.

    ``partial_decays_s`` (optional, per harmonic) lets upper partials die sooner.
    The top of a vibrato is allowed for by a 3% margin below Nyquist.
    """
    out = np.zeros(len(phase))
    t = np.arange(len(phase)) / sample_rate if partial_decays_s is not None else None
    for k, amplitude in enumerate(amplitudes, start=1):
        if amplitude == 0.0:
            continue
        if k * frequency_hz * 1.03 >= sample_rate / 2:
            break
        partial = amplitude * np.sin(k * phase + rng.uniform(0, 2 * np.pi))
        if partial_decays_s is not None:
            partial *= np.exp(-6.9 * t / partial_decays_s[k - 1])
        out += partial
    return out


def sawtooth_amplitudes(count: int, tilt: float = 1.0) -> np.ndarray:
    """Harmonic amplitudes ``1 / k**tilt`` (tilt 1: sawtooth; larger: darker)."""
    return 1.0 / np.arange(1, count + 1) ** tilt


def odd_amplitudes(count: int, tilt: float = 1.0, even_level: float = 0.0) -> np.ndarray:
    """Mostly odd harmonics (square-like, clarinet); even ones at ``even_level`` of their share."""
    k = np.arange(1, count + 1)
    return np.where(k % 2 == 1, 1.0, even_level) / k ** tilt


def noise_band(n: int, sample_rate: int, rng: np.random.Generator, centre_hz: float,
               q: float) -> np.ndarray:
    """Gaussian noise band-passed around ``centre_hz`` (breath, bow and hammer noise)."""
    from workbench.training.synth import filters

    centre = float(np.clip(centre_hz, 40.0, 0.45 * sample_rate))
    band = filters.apply_filters(rng.standard_normal(n), [filters.bandpass(sample_rate, centre, q)])
    return band.astype(np.float64) / (np.std(band) + 1e-12)


def log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))

"""Tonal test signals: periodic waveforms, DTMF, sweeps, sirens and beeps.

Square and sawtooth waves are built from their harmonics up to the Nyquist
frequency, so they do not alias (a naive square wave at 16 kHz folds energy back
under the fundamental).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from workbench.training.synth.arrays import Seed, as_generator, fade, finish, frames_for

WAVEFORMS = ("sine", "square", "sawtooth")

# Telephone keypad: each key is one low (row) plus one high (column) frequency.
DTMF_FREQUENCIES: dict[str, tuple[float, float]] = {
    key: (row, col)
    for row, keys in zip((697.0, 770.0, 852.0, 941.0), ("123A", "456B", "789C", "*0#D"), strict=True)
    for key, col in zip(keys, (1209.0, 1336.0, 1477.0, 1633.0), strict=True)
}


def _harmonic_sum(phase: np.ndarray, top_hz: np.ndarray | float, sample_rate: int,
                  weight: Callable[[int], float], step: int) -> np.ndarray:
    """Sum sin(k * phase) * weight(k) for harmonics k whose frequency stays below Nyquist."""
    out = np.zeros_like(phase)
    nyquist = sample_rate / 2
    k = 1
    while np.any(k * np.asarray(top_hz) < nyquist):
        below = (k * np.asarray(top_hz)) < nyquist  # per sample for swept frequencies
        out += np.where(below, np.sin(k * phase) * weight(k), 0.0)
        k += step
    return out


def oscillator(waveform: str, phase: np.ndarray, frequency_hz: np.ndarray | float,
               sample_rate: int) -> np.ndarray:
    """Band-limited waveform of unit peak (about) for a running ``phase`` in radians."""
    if waveform == "sine":
        return np.sin(phase)
    if waveform == "square":
        return (4 / np.pi) * _harmonic_sum(phase, frequency_hz, sample_rate, lambda k: 1 / k, 2)
    if waveform == "sawtooth":
        return (2 / np.pi) * _harmonic_sum(
            phase, frequency_hz, sample_rate, lambda k: (-1) ** (k + 1) / k, 1
        )
    raise ValueError(f"unknown waveform {waveform!r}; choose one of {WAVEFORMS}")


def tone(waveform: str, frequency_hz: float, duration_s: float, sample_rate: int,
         amplitude: float = 0.5) -> np.ndarray:
    """A steady ``sine``, ``square`` or ``sawtooth`` tone with 5 ms fades at the edges."""
    if not 0 < frequency_hz < sample_rate / 2:
        raise ValueError(f"frequency {frequency_hz} Hz must lie below Nyquist ({sample_rate / 2} Hz)")
    t = np.arange(frames_for(duration_s, sample_rate)) / sample_rate
    wave = oscillator(waveform, 2 * np.pi * frequency_hz * t, frequency_hz, sample_rate)
    return fade(finish(amplitude * wave), sample_rate, 0.005, 0.005)


def beep(sample_rate: int, frequency_hz: float = 1000.0, duration_s: float = 0.25,
         amplitude: float = 0.5) -> np.ndarray:
    """A sine beep with 10 ms raised-cosine fades (no clicks)."""
    t = np.arange(frames_for(duration_s, sample_rate)) / sample_rate
    wave = amplitude * np.sin(2 * np.pi * frequency_hz * t)
    return fade(finish(wave), sample_rate, 0.01, 0.01)


def dtmf(digits: str, sample_rate: int, tone_s: float = 0.12, gap_s: float = 0.08,
         amplitude: float = 0.35) -> np.ndarray:
    """Touch-tone dialling of ``digits`` (0-9, *, #, A-D): each key is two summed sines."""
    if not digits:
        raise ValueError("dtmf needs at least one digit")
    gap = np.zeros(int(round(gap_s * sample_rate)), dtype=np.float32)
    t = np.arange(frames_for(tone_s, sample_rate)) / sample_rate
    parts = []
    for key in digits.upper():
        if key not in DTMF_FREQUENCIES:
            raise ValueError(f"{key!r} is not a DTMF key; use 0-9, *, #, A-D")
        low, high = DTMF_FREQUENCIES[key]
        pair = amplitude * (np.sin(2 * np.pi * low * t) + np.sin(2 * np.pi * high * t))
        parts += [fade(finish(pair), sample_rate, 0.004, 0.004), gap]
    return finish(np.concatenate(parts[:-1]))


def _phase(frequency: np.ndarray, sample_rate: int) -> np.ndarray:
    """Running phase of an instantaneous-frequency track, starting at 0."""
    return 2 * np.pi * np.concatenate(([0.0], np.cumsum(frequency[:-1]))) / sample_rate


def sweep(start_hz: float, end_hz: float, duration_s: float, sample_rate: int,
          method: str = "log", amplitude: float = 0.5) -> np.ndarray:
    """Sine sweep from ``start_hz`` to ``end_hz``; ``method`` is ``"log"`` or ``"linear"``."""
    nyquist = sample_rate / 2
    if not (0 < start_hz < nyquist and 0 < end_hz < nyquist):
        raise ValueError(f"sweep frequencies must lie in (0, {nyquist}) Hz")
    n = frames_for(duration_s, sample_rate)
    position = np.arange(n) / max(1, n - 1)
    if method == "log":
        frequency = start_hz * (end_hz / start_hz) ** position
    elif method == "linear":
        frequency = start_hz + (end_hz - start_hz) * position
    else:
        raise ValueError(f"unknown sweep method {method!r}; use 'log' or 'linear'")
    return fade(finish(amplitude * np.sin(_phase(frequency, sample_rate))), sample_rate, 0.005, 0.005)


def siren(sample_rate: int, duration_s: float = 3.0, kind: str = "wail", low_hz: float = 600.0,
          high_hz: float = 1400.0, cycle_s: float | None = None, amplitude: float = 0.4) -> np.ndarray:
    """Emergency-siren sweep: ``wail`` glides slowly (sine LFO), ``yelp`` rises fast (sawtooth LFO)."""
    n = frames_for(duration_s, sample_rate)
    t = np.arange(n) / sample_rate
    if kind == "wail":
        cycle = cycle_s or 3.0
        lfo = 0.5 - 0.5 * np.cos(2 * np.pi * t / cycle)
    elif kind == "yelp":
        cycle = cycle_s or 0.25
        lfo = (t / cycle) % 1.0
    else:
        raise ValueError(f"unknown siren kind {kind!r}; use 'wail' or 'yelp'")
    frequency = low_hz + (high_hz - low_hz) * lfo
    # A few odd harmonics give the horn-like timbre of a real siren.
    phase = _phase(frequency, sample_rate)
    wave = np.sin(phase) + 0.3 * np.sin(3 * phase) * (3 * frequency < sample_rate / 2)
    return fade(finish(amplitude * wave / 1.3), sample_rate, 0.02, 0.02)


def random_tone(seed: Seed, sample_rate: int, duration_s: float = 2.0) -> np.ndarray:
    """One random tonal signal (steady tone, beeps, DTMF, sweep or siren) filling ``duration_s``."""
    rng = as_generator(seed)
    n = frames_for(duration_s, sample_rate)
    kind = rng.choice(["tone", "beeps", "dtmf", "sweep", "siren"])
    amplitude = float(rng.uniform(0.2, 0.6))
    top = min(4000.0, 0.4 * sample_rate)
    if kind == "tone":
        wave = tone(str(rng.choice(WAVEFORMS)), float(rng.uniform(100, top / 2)), duration_s,
                    sample_rate, amplitude)
    elif kind == "beeps":
        one = beep(sample_rate, float(rng.uniform(400, top)), float(rng.uniform(0.1, 0.4)), amplitude)
        gap = np.zeros(int(rng.uniform(0.1, 0.4) * sample_rate), dtype=np.float32)
        wave = np.tile(np.concatenate([one, gap]), n // (len(one) + len(gap)) + 1)
    elif kind == "dtmf":
        keys = "".join(rng.choice(list("0123456789*#"), size=max(1, int(duration_s / 0.2))))
        wave = dtmf(keys, sample_rate, amplitude=amplitude / 2)
    elif kind == "sweep":
        ends = rng.uniform(100, top, size=2)
        wave = sweep(float(ends[0]), float(ends[1]), duration_s, sample_rate,
                     str(rng.choice(["log", "linear"])), amplitude)
    else:
        low = float(rng.uniform(400, 900))
        wave = siren(sample_rate, duration_s, str(rng.choice(["wail", "yelp"])), low,
                     min(top, low * float(rng.uniform(1.6, 2.6))), amplitude=amplitude)
    out = np.zeros(n, dtype=np.float32)
    out[: min(n, len(wave))] = wave[:n]
    return finish(out)

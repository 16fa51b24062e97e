"""Electric strings: an overdriven guitar through an amp and cabinet, and an electric bass.

The string is Karplus-Strong (``instruments.karplus_strong``); a magnetic
pickup hears the string at one point (a comb, like the pluck point), and the
amplifier's clipping plus a speaker cabinet that rolls off above 3-5 kHz make
the overdriven sound.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.instruments import karplus_strong
from workbench.training.synth.orchestra.shaping import note_frames


def _string(frequency_hz, n, sample_rate, rng, decay_s, brightness, pluck_point, pickup_point,
            depth=0.8):
    """A string plucked at ``pluck_point`` and heard at ``pickup_point`` (shares of its length)."""
    tone = karplus_strong(frequency_hz, (n + 0.5) / sample_rate, sample_rate, rng,
                          decay_s=decay_s, brightness=brightness)[:n].copy()
    for point in (pluck_point, pickup_point):
        delay = int(point * sample_rate / frequency_hz)
        if 0 < delay < n:
            tone[delay:] -= depth * tone[:-delay].copy()
    return tone


def overdriven_guitar(rng: np.random.Generator, sample_rate: int):
    """Overdriven electric guitar: bright string, soft or hard clipping, 4x12-like cabinet."""
    drive = float(np.exp(rng.uniform(np.log(4.0), np.log(40.0))))
    hard = rng.random() < 0.35
    power_chords = rng.random() < 0.5  # root and fifth on one pick stroke
    palm_mute = rng.random() < 0.25
    decay = 0.4 if palm_mute else float(rng.uniform(1.5, 4.0))
    pickup = float(rng.uniform(0.05, 0.2))
    cabinet_hz = min(float(rng.uniform(3000.0, 5000.0)), 0.4 * sample_rate)
    pre = [filters.highpass(sample_rate, float(rng.uniform(150.0, 400.0)))]  # tighten before drive
    cabinet = [filters.highpass(sample_rate, 80.0), filters.lowpass(sample_rate, cabinet_hz, 0.9),
               filters.lowpass(sample_rate, cabinet_hz, 0.7),
               filters.peaking(sample_rate, float(rng.uniform(1500.0, 2500.0)), 4.0, 1.0)]

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        string = _string(frequency_hz, n, sample_rate, rng, decay, 0.5 if palm_mute else 0.9,
                         0.1, pickup)
        if power_chords and frequency_hz < 330.0:
            string = string + 0.9 * _string(1.5 * frequency_hz, n, sample_rate, rng, decay, 0.9,
                                            0.1, pickup)
        x = filters.apply_filters(string, pre).astype(np.float64)
        x = drive * (0.5 + 0.5 * velocity) * x / (np.max(np.abs(x)) + 1e-12)
        # Asymmetric soft clipping (a tube stage) adds even harmonics; hard clipping is a pedal.
        shaped = np.clip(x, -1.0, 1.0) if hard else np.tanh(x + 0.2) - np.tanh(0.2)
        return 0.3 * filters.apply_filters(shaped, cabinet).astype(np.float64)[:n]

    return play


def electric_bass(rng: np.random.Generator, sample_rate: int):
    """Electric bass, fingers or pick: round low end, a little growl from the amp."""
    picked = rng.random() < 0.35
    decay = float(rng.uniform(1.5, 4.0))
    pickup = float(rng.uniform(0.1, 0.25))
    growl = float(rng.uniform(1.0, 3.0))
    tone_stack = [filters.lowpass(sample_rate, float(rng.uniform(700.0, 1500.0))),
                  filters.lowpass(sample_rate, float(rng.uniform(1500.0, 3000.0))),
                  filters.peaking(sample_rate, float(rng.uniform(600.0, 1000.0)), 3.0, 1.2),
                  filters.low_shelf(sample_rate, 120.0, float(rng.uniform(2.0, 6.0)))]

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        string = _string(frequency_hz, n, sample_rate, rng, decay, 0.7 if picked else 0.3,
                         0.08 if picked else 0.25, pickup, depth=0.4)
        x = string / (np.max(np.abs(string)) + 1e-12)
        shaped = np.tanh(growl * velocity * x) / np.tanh(growl)
        return 0.8 * filters.apply_filters(shaped, tone_stack).astype(np.float64)[:n]

    return play

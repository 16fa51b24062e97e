"""Plucked strings (Karplus-Strong): guitar, harp, bass, koto-like zither, mandolin, banjo ...

The string itself is ``instruments.karplus_strong``; a family adds where the
string is plucked (a feed-forward comb removes the harmonics with a node at
that point) and a body (a few resonances).
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.instruments import karplus_strong
from workbench.training.synth.orchestra.shaping import note_frames


def _body(sample_rate: int, rng: np.random.Generator, centres: tuple[float, ...]):
    return [filters.peaking(sample_rate, min(c * rng.uniform(0.85, 1.15), 0.4 * sample_rate),
                            float(rng.uniform(3.0, 9.0)), float(rng.uniform(1.0, 3.0)))
            for c in centres]


def _string_patch(rng, sample_rate, decay_range, brightness_range, body_centres, gain=1.0):
    decay = float(rng.uniform(*decay_range))
    brightness = float(rng.uniform(*brightness_range))
    pluck_point = float(rng.uniform(0.08, 0.3))  # share of the string length
    body = _body(sample_rate, rng, body_centres)

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        tone = karplus_strong(frequency_hz, n / sample_rate, sample_rate, rng,
                              decay_s=decay, brightness=min(1.0, brightness * (0.6 + 0.5 * velocity)))
        delay = int(pluck_point * sample_rate / frequency_hz)
        if 0 < delay < n:
            tone = tone.copy()
            tone[delay:] -= 0.8 * tone[:-delay]
        return gain * filters.apply_filters(tone, body).astype(np.float64)[:n]

    return play


def guitar(rng: np.random.Generator, sample_rate: int):
    """Acoustic or clean electric guitar: medium decay, wooden body around 100-250 Hz and 2 kHz."""
    return _string_patch(rng, sample_rate, (1.0, 3.0), (0.4, 0.9), (110.0, 230.0, 2000.0))


def harp(rng: np.random.Generator, sample_rate: int):
    """Harp: long ringing, soft and round pluck."""
    return _string_patch(rng, sample_rate, (2.5, 5.0), (0.2, 0.5), (300.0, 900.0))


def plucked_bass(rng: np.random.Generator, sample_rate: int):
    """Plucked (double or electric) bass: dark, thumping."""
    return _string_patch(rng, sample_rate, (1.2, 3.5), (0.05, 0.3), (80.0, 700.0), gain=1.4)


def koto(rng: np.random.Generator, sample_rate: int):
    """Koto / zither-like: bright, short, nasal (plucked near the bridge)."""
    play = _string_patch(rng, sample_rate, (0.5, 1.4), (0.8, 1.0), (600.0, 1800.0, 3200.0))
    return play


def _pluck(frequency_hz, n, sample_rate, rng, decay_s, brightness, pluck_point):
    """One Karplus-Strong string with the harmonics noded at ``pluck_point`` taken out."""
    tone = karplus_strong(frequency_hz, (n + 0.5) / sample_rate, sample_rate, rng,
                          decay_s=decay_s, brightness=brightness)[:n]
    delay = int(pluck_point * sample_rate / frequency_hz)
    if 0 < delay < n:
        tone = tone.copy()
        tone[delay:] -= 0.8 * tone[:-delay]
    return tone


def mandolin(rng: np.random.Generator, sample_rate: int):
    """Mandolin: paired steel courses a few cents apart, bright pick, optional tremolo picking."""
    decay = float(rng.uniform(0.6, 1.5))
    cents = float(rng.uniform(2.0, 8.0))
    tremolo_hz = float(rng.uniform(10.0, 16.0)) if rng.random() < 0.4 else 0.0
    body = _body(sample_rate, rng, (400.0, 1200.0, 3000.0))

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        out = np.zeros(n)
        for detune in (2.0 ** (-cents / 2400.0), 2.0 ** (cents / 2400.0)):
            out += _pluck(frequency_hz * detune, n, sample_rate, rng, decay, 0.95, 0.12)
        if tremolo_hz and duration_s > 0.25:
            # Tremolo picking: the pick re-strikes the course every half tremolo period.
            period = int(sample_rate / tremolo_hz)
            for start in range(period, n - period // 2, period):
                # The pick damps what still rings; four strokes later a strike is inaudible.
                length = min(n - start, 4 * period)
                strike = _pluck(frequency_hz, length, sample_rate, rng, decay, 0.9, 0.12)
                out[start:] *= 0.5
                out[start: start + length] += strike * np.linspace(1.0, 0.0, length) ** 0.25
        return filters.apply_filters(out, body).astype(np.float64)[:n]

    return play


def banjo(rng: np.random.Generator, sample_rate: int):
    """Banjo: bright, short steel string on a drum-head body (200-400 Hz) with a metallic edge."""
    decay = float(rng.uniform(0.3, 0.8))
    head = filters.peaking(sample_rate, float(rng.uniform(200.0, 400.0)), float(rng.uniform(8.0, 12.0)),
                           float(rng.uniform(2.0, 4.0)))
    edge = filters.peaking(sample_rate, min(float(rng.uniform(2500.0, 4000.0)), 0.4 * sample_rate),
                           float(rng.uniform(6.0, 10.0)), 1.5)

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        tone = _pluck(frequency_hz, n, sample_rate, rng, decay, 1.0, float(rng.uniform(0.05, 0.1)))
        return 1.2 * filters.apply_filters(tone, [head, edge]).astype(np.float64)[:n]

    return play


def harpsichord(rng: np.random.Generator, sample_rate: int):
    """Harpsichord: quill plucks near the string end, 8' and 4' choirs, no touch dynamics."""
    decay = float(rng.uniform(1.5, 3.0))
    four_foot = float(rng.uniform(0.3, 0.7))
    body = _body(sample_rate, rng, (250.0, 1000.0, 3500.0))

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        # The jack plucks with the same force whatever the touch: velocity is ignored.
        out = _pluck(frequency_hz, n, sample_rate, rng, decay, 1.0, 0.04)
        if 2 * frequency_hz < 0.4 * sample_rate:
            out = out + four_foot * _pluck(2 * frequency_hz, n, sample_rate, rng, decay * 0.7,
                                           1.0, 0.04)
        return 1.2 * filters.apply_filters(out, body).astype(np.float64)[:n]

    return play


def sitar(rng: np.random.Generator, sample_rate: int):
    """Sitar-like: jawari bridge buzz that brightens and sweeps over the note, drone resonances."""
    decay = float(rng.uniform(1.5, 3.5))
    sweep_s = float(rng.uniform(0.2, 0.6))
    buzz = float(rng.uniform(1.5, 3.0))
    start, end = rng.permutation([float(rng.uniform(0.1, 0.3)), float(rng.uniform(0.6, 0.8))])
    drone_hz = float(rng.uniform(110.0, 160.0))
    drones = [filters.peaking(sample_rate, min(drone_hz * r, 0.4 * sample_rate), 8.0, 12.0)
              for r in (1.0, 1.5, 2.0, 3.0)]  # sympathetic strings tuned to the raga's tonic

    def play(frequency_hz: float, duration_s: float, velocity: float) -> np.ndarray:
        n = note_frames(duration_s, sample_rate)
        t = np.arange(n) / sample_rate
        tone = _pluck(frequency_hz, n, sample_rate, rng, decay, 0.8, 0.15)
        # The curved bridge cuts one side of every swing.  How much of the swing grazes
        # it changes over the note, which moves the buzz's spectral peaks (the jawari sweep).
        period = max(2, int(sample_rate / frequency_hz))
        blocks = np.abs(tone[: n - n % period]).reshape(-1, period).max(axis=1)
        level = np.interp(t, (np.arange(len(blocks)) + 0.5) * period / sample_rate, blocks) \
            if len(blocks) else np.full(n, np.max(np.abs(tone)))
        threshold = level * (start + (end - start) * (1.0 - np.exp(-t / sweep_s)))
        buzzed = np.minimum(tone, threshold)
        # Each contact kicks the string: the cut-off part, differentiated, is the bright buzz.
        contact = tone - buzzed
        kick = np.diff(contact, prepend=0.0) * (sample_rate / (2 * np.pi * 1500.0))
        out = buzzed + buzz * kick
        out = out - np.convolve(out, np.ones(64) / 64.0, mode="same")  # no DC from the cut
        return 0.8 * filters.apply_filters(out, drones).astype(np.float64)[:n]

    return play

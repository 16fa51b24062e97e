"""Percussion kits from noise and tones: acoustic, brushed jazz, orchestral, electronic, hand drums.

A kit maker ``make(rng, sample_rate)`` draws one kit's tuning and returns
``hit(role, velocity) -> float64 samples``.  Roles (what a score writes):
``kick``, ``snare``, ``hat``, ``open_hat``, ``tom`` and ``perc`` (an accent);
each kit plays them with its own sounds, so a hand-percussion "kick" is a low
conga and its "hat" a shaker.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters

ROLES = ("kick", "snare", "hat", "open_hat", "tom", "perc")


def _t(seconds: float, sample_rate: int) -> np.ndarray:
    return np.arange(int(seconds * sample_rate)) / sample_rate


def _pitched_drop(sample_rate, seconds, start_hz, end_hz, drop_s, decay_s, rng):
    t = _t(seconds, sample_rate)
    frequency = end_hz + (start_hz - end_hz) * np.exp(-t / drop_s)
    return np.sin(2 * np.pi * np.cumsum(frequency) / sample_rate + rng.uniform(0, 0.5)) \
        * np.exp(-t / decay_s)


def _noise(sample_rate, seconds, rng, band, decay_s):
    t = _t(seconds, sample_rate)
    n = rng.standard_normal(len(t))
    low, high = band
    chain = []
    if low:
        chain.append(filters.highpass(sample_rate, min(low, 0.4 * sample_rate)))
    if high:
        chain.append(filters.lowpass(sample_rate, min(high, 0.45 * sample_rate)))
    if chain:
        n = filters.apply_filters(n, chain).astype(np.float64)
    return n / (np.std(n) + 1e-12) * np.exp(-t / decay_s)


def _metallic(sample_rate, seconds, rng, decay_s, highpass_hz):
    """Six detuned square waves, high-passed: the 808/909 cymbal recipe."""
    t = _t(seconds, sample_rate)
    base = rng.uniform(280.0, 560.0)
    squares = sum(np.sign(np.sin(2 * np.pi * base * r * t)) for r in (1.0, 1.48, 1.62, 1.94, 2.48, 3.6))
    out = filters.apply_filters(squares, [filters.highpass(sample_rate, min(highpass_hz, 0.4 * sample_rate))])
    return np.asarray(out, dtype=np.float64) / 6.0 * np.exp(-t / decay_s)


def acoustic_kit(rng: np.random.Generator, sample_rate: int):
    """Acoustic drum kit: tuned kick and toms, snare with wires, noisy hats and ride."""
    kick_hz, snare_hz, tom_hz = rng.uniform(50, 70), rng.uniform(170, 240), rng.uniform(90, 200)
    wires = float(rng.uniform(0.6, 1.2))

    def hit(role: str, velocity: float) -> np.ndarray:
        if role == "kick":
            body = _pitched_drop(sample_rate, 0.4, kick_hz * 2.2, kick_hz, 0.03, 0.12, rng)
            body[:40] += _noise(sample_rate, 0.4, rng, (1000, None), 0.003)[:40] * 0.5
            return velocity * body
        if role == "snare":
            return velocity * (0.6 * _pitched_drop(sample_rate, 0.3, snare_hz * 1.3, snare_hz, 0.01, 0.05, rng)
                               + wires * 0.5 * _noise(sample_rate, 0.3, rng, (1500, 9000), 0.08))
        if role in ("hat", "open_hat"):
            return velocity * 0.35 * _noise(sample_rate, 0.5, rng, (6000, None),
                                            0.02 if role == "hat" else 0.18)
        if role == "tom":
            return velocity * _pitched_drop(sample_rate, 0.5, tom_hz * 1.5, tom_hz, 0.04, 0.2, rng)
        return velocity * 0.3 * (_noise(sample_rate, 1.2, rng, (3000, None), 0.5)
                                 + _metallic(sample_rate, 1.2, rng, 0.6, 4000))  # ride

    return hit


def electronic_kit(rng: np.random.Generator, sample_rate: int):
    """Drum machine: long sine kick with pitch drop, noise snare or clap, metallic hats."""
    kick_decay = float(rng.uniform(0.15, 0.6))
    clap = rng.random() < 0.5

    def hit(role: str, velocity: float) -> np.ndarray:
        if role == "kick":
            return velocity * _pitched_drop(sample_rate, kick_decay * 2, 160, rng.uniform(40, 60),
                                            0.02, kick_decay, rng)
        if role == "snare":
            if clap:  # three quick bursts then a tail: a hand clap
                out = np.zeros(int(0.35 * sample_rate))
                for k, start in enumerate((0.0, 0.011, 0.023)):
                    burst = _noise(sample_rate, 0.3 if k == 2 else 0.01, rng, (800, 3000),
                                   0.08 if k == 2 else 0.004)
                    at = int(start * sample_rate)
                    out[at: at + len(burst)] += burst[: len(out) - at]
                return velocity * 0.6 * out
            return velocity * (0.4 * _pitched_drop(sample_rate, 0.25, 250, 190, 0.01, 0.04, rng)
                               + 0.5 * _noise(sample_rate, 0.25, rng, (500, None), 0.06))
        if role in ("hat", "open_hat"):
            return velocity * 0.5 * _metallic(sample_rate, 0.5, rng,
                                              0.015 if role == "hat" else 0.15, 7000)
        if role == "tom":
            return velocity * _pitched_drop(sample_rate, 0.4, 220, rng.uniform(80, 160), 0.05, 0.15, rng)
        return velocity * 0.5 * _metallic(sample_rate, 0.3, rng, 0.05, 2500)  # cowbell-ish accent

    return hit


def hand_percussion(rng: np.random.Generator, sample_rate: int):
    """Congas, bongos, shaker, tambourine and claves."""
    conga_hz, bongo_hz = rng.uniform(180, 260), rng.uniform(330, 450)

    def hit(role: str, velocity: float) -> np.ndarray:
        if role in ("kick", "tom"):
            f = conga_hz if role == "kick" else bongo_hz
            slap = _noise(sample_rate, 0.3, rng, (1500, 6000), 0.006)
            return velocity * (_pitched_drop(sample_rate, 0.3, f * 1.15, f, 0.01, 0.08, rng)
                               + 0.3 * slap)
        if role == "snare":  # tambourine: jingles are short metallic noise bursts
            return velocity * 0.4 * (_metallic(sample_rate, 0.25, rng, 0.05, 5000)
                                     + _noise(sample_rate, 0.25, rng, (5000, None), 0.05))
        if role in ("hat", "open_hat"):  # shaker: a smooth noise swell
            t = _t(0.12, sample_rate)
            swell = np.sin(np.pi * t / t[-1]) ** 2
            return velocity * 0.3 * _noise(sample_rate, 0.12, rng, (4000, 10000), 10.0) * swell
        t = _t(0.15, sample_rate)  # claves: a bright, very short tone
        return velocity * 0.6 * np.sin(2 * np.pi * rng.uniform(2000, 2600) * t) * np.exp(-t / 0.02)

    return hit


# Kettledrum modes that the kettle's air load pulls near 1 : 1.5 : 2 : 2.5 : 3 (the pitch).
TIMPANI_MODES = ((1.0, 1.0, 1.0), (1.5, 0.6, 0.8), (1.99, 0.35, 0.6), (2.44, 0.2, 0.5),
                 (2.89, 0.1, 0.4))


def _partials(sample_rate, seconds, rng, modes, base_hz, decay_s):
    """Decaying sines at ``base_hz * ratio`` (ratio, amplitude, relative decay)."""
    t = _t(seconds, sample_rate)
    out = np.zeros(len(t))
    for ratio, amplitude, relative in modes:
        f = base_hz * ratio
        if f < 0.45 * sample_rate:
            out += amplitude * np.sin(2 * np.pi * f * t + rng.uniform(0, 6.3)) \
                * np.exp(-t / (decay_s * relative))
    return out


def _cymbal(sample_rate, seconds, rng, decay_s, low_hz, count=40, variants=2):
    """One plate's strike: dense inharmonic modes above ``low_hz`` plus a noise wash.

    The plate keeps its modes from hit to hit; their ring (the costly part) is
    drawn for the first ``variants`` hits and reused after, the wash is new each hit.
    """
    top = 0.45 * sample_rate
    freqs = np.exp(rng.uniform(np.log(min(low_hz, top / 2)), np.log(top), count))
    rings: list[np.ndarray] = []

    def strike(rng: np.random.Generator) -> np.ndarray:
        if len(rings) < variants:
            modes = [(f, float(rng.uniform(0.3, 1.0)), float(rng.uniform(0.4, 1.0))) for f in freqs]
            rings.append(_partials(sample_rate, seconds, rng, modes, 1.0, decay_s) / np.sqrt(count))
            ring = rings[-1]
        else:
            ring = rings[int(rng.integers(len(rings)))]
        return 0.6 * ring + 0.4 * _noise(sample_rate, seconds, rng, (low_hz, None), decay_s)

    return strike


def _swell(sample_rate, seconds, peak_s):
    """Rises to a peak at ``peak_s`` (a roll or a brush sweep), then decays."""
    t = _t(seconds, sample_rate)
    return np.where(t < peak_s, (t / peak_s) ** 2, np.exp(-(t - peak_s) / (0.25 * seconds)))


def orchestral_percussion(rng: np.random.Generator, sample_rate: int):
    """Orchestral percussion: timpani, snare drum, suspended / clashed cymbals and triangle."""
    low_timp, high_timp = rng.uniform(85, 110), rng.uniform(120, 175)
    snare_hz = rng.uniform(250, 350)
    triangle_hz = rng.uniform(900, 1400)
    swell = rng.random() < 0.5  # open_hat: a suspended-cymbal roll instead of a crash
    tap = _cymbal(sample_rate, 0.6, rng, 0.12, 2500)
    roll = _cymbal(sample_rate, 2.0, rng, 10.0, 2000)
    crash = _cymbal(sample_rate, 2.0, rng, 0.5, 1500)  # a clashed pair

    def hit(role: str, velocity: float) -> np.ndarray:
        if role in ("kick", "tom"):
            f = low_timp if role == "kick" else high_timp
            felt = _noise(sample_rate, 1.5, rng, (60, 600), 0.015)  # soft felt mallet
            return velocity * 0.8 * (_partials(sample_rate, 1.5, rng, TIMPANI_MODES, f, 0.35)
                                      + 0.3 * felt)
        if role == "snare":  # tight head, crisp wires that ring longer than a kit snare
            return velocity * (0.4 * _pitched_drop(sample_rate, 0.4, snare_hz * 1.1, snare_hz,
                                                   0.005, 0.03, rng)
                               + 0.6 * _noise(sample_rate, 0.4, rng, (2500, 10000), 0.09))
        if role == "hat":  # a soft stick on a suspended cymbal
            return velocity * 0.4 * tap(rng)
        if role == "open_hat":
            if swell:
                return velocity * 0.4 * roll(rng) * _swell(sample_rate, 2.0, 0.7)
            return velocity * 0.5 * crash(rng)
        t = _t(1.6, sample_rate)  # triangle: a bent steel bar's many high partials
        modes = [(r, a, 1.0) for r, a in ((1.0, 1.0), (2.76, 0.7), (5.4, 0.6), (8.93, 0.4),
                                          (11.3, 0.3), (13.7, 0.2))]
        ring = _partials(sample_rate, 1.6, rng, modes, triangle_hz, 0.45)
        return velocity * 0.35 * ring * np.minimum(1.0, t / 0.001)

    return hit


def brush_kit(rng: np.random.Generator, sample_rate: int):
    """Jazz kit with brushes: soft felt kick, brushed snare and swish, ride cymbal with bell."""
    kick_hz, tom_hz = rng.uniform(55, 75), rng.uniform(100, 180)
    bell_hz = rng.uniform(600, 900)
    ride = _cymbal(sample_rate, 1.5, rng, 0.45, 3000)

    def hit(role: str, velocity: float) -> np.ndarray:
        if role == "kick":  # feathered: no beater click
            return velocity * 0.7 * _pitched_drop(sample_rate, 0.35, kick_hz * 1.4, kick_hz, 0.03,
                                                  0.09, rng)
        if role == "snare":  # brush slap: the wires hear a spray of bristles, little drum tone
            spray = _noise(sample_rate, 0.3, rng, (1200, 7000), 0.07)
            t = _t(0.3, sample_rate)
            return velocity * 0.5 * (spray * np.minimum(1.0, t / 0.006)
                                     + 0.3 * _pitched_drop(sample_rate, 0.3, 200, 180, 0.01, 0.03, rng))
        if role == "perc":  # brush swish: a sweep across the head
            return velocity * 0.3 * _noise(sample_rate, 0.5, rng, (1500, 6000), 10.0) \
                * _swell(sample_rate, 0.5, 0.2)
        if role == "tom":
            return velocity * 0.6 * (_pitched_drop(sample_rate, 0.5, tom_hz * 1.2, tom_hz, 0.03,
                                                   0.15, rng)
                                     + 0.3 * _noise(sample_rate, 0.5, rng, (1000, 5000), 0.05))
        stroke = ride(rng)
        if role == "open_hat":  # on the bell: a few strong low partials ping through
            bell = ((1.0, 1.0, 1.0), (2.32, 0.6, 0.8), (3.9, 0.4, 0.6))
            stroke = stroke + 0.8 * _partials(sample_rate, 1.5, rng, bell, bell_hz, 0.4)
        return velocity * 0.35 * stroke

    return hit

"""Percussion kits from noise and tones: acoustic drums, electronic (808/909-style), hand percussion.

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

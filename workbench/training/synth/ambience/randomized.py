"""A training-only randomized noise texture: random spectral envelope, random slow motion.

Not a model of any one source: the spectrum is a random slope with random
bumps and dips (a quarter of an octave to three octaves wide), sometimes
cross-fading to a second random spectrum along a slow curve (a passing car, a
gust), under a random slow swell and sometimes with sparse clicks.  Training
on it covers the space of steady and slowly changing noises instead of one
more named texture (domain randomization).  The classifier's family split
keeps it on the training side only.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth.ambience.weather import slow_curve


def random_envelope_db(freqs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random spectral envelope (dB) over ``freqs``: slope plus up to four bumps or dips."""
    octaves = np.log2(np.maximum(freqs, 20.0) / 1000.0)
    envelope = -3.0 * float(rng.uniform(-1.0, 2.5)) * octaves  # -3 dB/oct per unit: pink = 1
    for _ in range(int(rng.integers(0, 5))):
        centre = float(rng.uniform(np.log2(60.0 / 1000.0), np.log2(7000.0 / 1000.0)))
        width = float(rng.uniform(0.25, 3.0))
        envelope += rng.uniform(-20.0, 20.0) * np.exp(-0.5 * ((octaves - centre) / (width / 2)) ** 2)
    return envelope


def _shaped(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / sample_rate)
    spectrum *= 10 ** (random_envelope_db(freqs, rng) / 20)
    spectrum[0] = 0.0
    out = np.fft.irfft(spectrum, n)
    return out / (np.std(out) + 1e-12)


def random_texture(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """``n`` frames of a randomized noise texture (any level; `render_texture` scales it)."""
    out = _shaped(rng, sample_rate, n)
    if rng.random() < 0.5:  # the spectrum itself moves: cross-fade to a second one
        morph = slow_curve(n, sample_rate, rng, float(rng.uniform(0.1, 1.5)))
        out = (1.0 - morph) * out + morph * _shaped(rng, sample_rate, n)
    depth = float(rng.uniform(0.0, 0.8))
    swell = slow_curve(n, sample_rate, rng, float(rng.uniform(0.1, 4.0)))
    out = out * (1.0 - depth * swell)
    if rng.random() < 0.3:  # sparse clicks and pops over the bed
        clicks = np.zeros(n)
        count = int(rng.uniform(1.0, 40.0) * n / sample_rate)
        clicks[rng.integers(0, n, count)] = rng.standard_normal(count) * rng.uniform(3.0, 15.0)
        decay = np.exp(-np.arange(int(0.004 * sample_rate)) / (0.0008 * sample_rate))
        out = out + np.convolve(clicks, decay)[:n]
    return out

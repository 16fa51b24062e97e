"""Sound events laid on a timeline: grains summed in at their onsets, and ringing partials.

Both work on whole arrays of events at once (one row per event), so a clip with
hundreds of clinks, claps or bubbles costs a few numpy calls, not a loop.
"""

from __future__ import annotations

import numpy as np


def place(n: int, starts: np.ndarray, grains: np.ndarray) -> np.ndarray:
    """Sum the rows of ``grains`` into ``n`` frames, row ``i`` starting at frame ``starts[i]``.

    Whatever runs past the end is dropped.
    """
    starts = np.asarray(starts, dtype=np.int64)
    length = grains.shape[1]
    index = starts[:, None] + np.arange(length)[None, :]
    return np.bincount(index.ravel(), weights=grains.ravel(), minlength=n + length)[:n]


def ringing(sample_rate: int, length: int, freqs: np.ndarray, decays: np.ndarray,
            amplitudes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Grains ``[events, length]``: each event a sum of exponentially decaying sines.

    ``freqs``, ``decays`` (seconds) and ``amplitudes`` are ``[events, partials]``;
    partials at or above 0.45 * ``sample_rate`` are left out (no aliasing).
    """
    t = np.arange(length) / sample_rate
    audible = freqs < 0.45 * sample_rate
    phases = rng.uniform(0.0, 2 * np.pi, freqs.shape)
    out = np.zeros((freqs.shape[0], length))
    for p in range(freqs.shape[1]):  # partials are few; events are vectorized
        out += ((amplitudes[:, p] * audible[:, p])[:, None]
                * np.exp(-t[None, :] / decays[:, p:p + 1])
                * np.sin(2 * np.pi * freqs[:, p:p + 1] * t[None, :] + phases[:, p:p + 1]))
    taper = np.minimum(1.0, (length - np.arange(length)) / (0.2 * length))  # no click at the cut
    return out * taper


def decaying_noise(rng: np.random.Generator, sample_rate: int, length: int,
                   decays: np.ndarray, attack_s: float = 0.0004) -> np.ndarray:
    """Grains ``[events, length]`` of white noise under a fast attack and exponential decay."""
    t = np.arange(length) / sample_rate
    envelope = (1.0 - np.exp(-t / attack_s))[None, :] * np.exp(-t[None, :] / np.asarray(decays)[:, None])
    return rng.standard_normal((len(decays), length)) * envelope

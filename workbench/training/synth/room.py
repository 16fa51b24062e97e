"""Room acoustics and channel colouring: reverberation, gain and equalization.

A synthetic room impulse response is a direct impulse, a handful of sparse
early reflections, and a late tail of Gaussian noise whose amplitude decays by
60 dB in RT60 seconds (energy envelope exp(-13.8 t / RT60)).
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.arrays import Seed, as_generator, db_to_gain, finish

# ln(1000): amplitude falls by 60 dB (a factor of 1000) over one RT60.
_LN_1000 = float(np.log(1000.0))


def reverb_ir(seed: Seed, sample_rate: int, rt60_s: float, early_reflections: int = 6,
              direct_to_reverb_db: float = 0.0, length_s: float | None = None) -> np.ndarray:
    """A room impulse response with reverberation time ``rt60_s``.

    The direct path is a unit impulse at t = 0; ``early_reflections`` impulses
    follow within 3-40 ms (at most RT60 / 4); the diffuse tail starts at 10 ms
    with a 5 ms fade-in.
    ``direct_to_reverb_db`` sets the energy ratio of the direct impulse to the
    tail (0 dB: equal).  ``length_s`` defaults to 1.5 x RT60 (the tail is then
    90 dB down).
    """
    if rt60_s <= 0:
        raise ValueError(f"RT60 must be positive, got {rt60_s} s")
    rng = as_generator(seed)
    n = max(2, int((1.5 * rt60_s if length_s is None else length_s) * sample_rate))
    t = np.arange(n) / sample_rate
    tail = rng.standard_normal(n) * np.exp(-_LN_1000 * t / rt60_s)
    onset = 0.010
    tail *= np.clip((t - onset) / 0.005, 0.0, 1.0)
    tail *= np.sqrt(db_to_gain(-direct_to_reverb_db) ** 2 / np.sum(tail**2))
    ir = tail
    ir[0] += 1.0
    # Early reflections come within 40 ms (sooner in small, dead rooms) and fade
    # with the same exponential as the tail, so they do not bend the decay curve.
    latest = min(0.040, rt60_s / 4.0)
    for _ in range(early_reflections):
        delay_s = rng.uniform(0.003, max(0.004, latest))
        delay = int(delay_s * sample_rate)
        if delay < n:
            strength = rng.uniform(0.2, 0.6) * np.exp(-_LN_1000 * delay_s / rt60_s)
            ir[delay] += rng.choice([-1.0, 1.0]) * strength
    return ir.astype(np.float32)


def convolve(audio: np.ndarray, ir: np.ndarray) -> np.ndarray:
    """Full linear convolution along axis 0 (FFT based); length ``len(audio) + len(ir) - 1``."""
    x = np.asarray(audio, dtype=np.float64)
    h = np.asarray(ir, dtype=np.float64)
    size = len(x) + len(h) - 1
    fft_size = 1 << (size - 1).bit_length()
    h_spec = np.fft.rfft(h, fft_size)
    if x.ndim == 2:
        h_spec = h_spec[:, None]
    return np.fft.irfft(np.fft.rfft(x, fft_size, axis=0) * h_spec, fft_size, axis=0)[:size]


def apply_reverb(audio: np.ndarray, ir: np.ndarray, wet: float = 1.0,
                 keep_tail: bool = False) -> np.ndarray:
    """Reverberate ``audio`` (``[frames]`` or ``[frames, channels]``) with ``ir``.

    ``wet`` blends the reverberant signal with the dry one (1.0: fully
    reverberant).  The result has the input's length unless ``keep_tail``.
    """
    dry = np.asarray(audio, dtype=np.float64)
    wet_signal = convolve(dry, ir)
    if not keep_tail:
        wet_signal = wet_signal[: len(dry)]
    mixed = wet * wet_signal
    mixed[: len(dry)] += (1.0 - wet) * dry
    return finish(mixed)


def apply_gain(audio: np.ndarray, gain_db: float) -> np.ndarray:
    """Change the level by ``gain_db`` decibels (clipped to [-1, 1])."""
    return finish(np.asarray(audio, dtype=np.float64) * db_to_gain(gain_db))


def random_eq(seed: Seed, sample_rate: int, max_gain_db: float = 9.0) -> list[filters.Biquad]:
    """A random channel colouring: low shelf, one or two peaks, high shelf.

    Imitates cheap microphones, phones and small loudspeakers.
    """
    rng = as_generator(seed)
    top = 0.45 * sample_rate

    def gain() -> float:
        return float(rng.uniform(-max_gain_db, max_gain_db))

    chain = [filters.low_shelf(sample_rate, float(rng.uniform(80, 300)), gain())]
    for _ in range(int(rng.integers(1, 3))):
        centre = float(np.exp(rng.uniform(np.log(200.0), np.log(min(6000.0, 0.8 * top)))))
        chain.append(filters.peaking(sample_rate, centre, gain(), float(rng.uniform(0.5, 3.0))))
    chain.append(filters.high_shelf(sample_rate, float(min(rng.uniform(2500, 8000), top)), gain()))
    return chain


def apply_eq(audio: np.ndarray, chain: list[filters.Biquad]) -> np.ndarray:
    """Run ``audio`` through an EQ ``chain`` (e.g. from ``random_eq``); clipped to [-1, 1]."""
    return finish(filters.apply_filters(audio, chain))


def measure_rt60(ir: np.ndarray, sample_rate: int) -> float:
    """RT60 estimated from ``ir`` by Schroeder backward integration (T20, -5 to -25 dB)."""
    energy = np.cumsum(np.square(np.asarray(ir, dtype=np.float64))[::-1])[::-1]
    decay_db = 10.0 * np.log10(np.maximum(energy / energy[0], 1e-30))
    fit = (decay_db <= -5.0) & (decay_db >= -25.0)
    if np.count_nonzero(fit) < 2:
        raise ValueError("the impulse response does not decay by 25 dB")
    t = np.flatnonzero(fit) / sample_rate
    slope_db_per_s = np.polyfit(t, decay_db[fit], 1)[0]
    return float(-60.0 / slope_db_per_s)

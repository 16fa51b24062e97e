"""Small helpers shared by the generators: seeds, levels, lengths and resampling."""

from __future__ import annotations

import numpy as np
import torch
import torchaudio.functional as taf

Seed = int | np.random.Generator | None


def as_generator(seed: Seed) -> np.random.Generator:
    """Return ``seed`` if it is a Generator, else a new PCG64 Generator seeded with it."""
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)


def frames_for(duration_s: float, sample_rate: int) -> int:
    """Number of frames in ``duration_s`` seconds (rounded), at least 1."""
    if duration_s <= 0:
        raise ValueError(f"duration must be positive, got {duration_s} s")
    if sample_rate <= 0:
        raise ValueError(f"sample rate must be positive, got {sample_rate}")
    return max(1, int(round(duration_s * sample_rate)))


def db_to_gain(db: float) -> float:
    """Amplitude factor for a level change of ``db`` decibels."""
    return float(10.0 ** (db / 20.0))


def rms(audio: np.ndarray) -> float:
    """Root-mean-square level of all samples (0.0 for an empty array)."""
    if audio.size == 0:
        return 0.0
    return float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))


def finish(audio: np.ndarray) -> np.ndarray:
    """Convert to contiguous float32 and clip to [-1, 1], the toolkit's output contract."""
    return np.ascontiguousarray(np.clip(audio, -1.0, 1.0), dtype=np.float32)


def normalize_peak(audio: np.ndarray, peak_db: float = -3.0) -> np.ndarray:
    """Scale so the largest absolute sample sits at ``peak_db`` dBFS (silence stays silent)."""
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak == 0.0:
        return finish(audio)
    return finish(audio * (db_to_gain(peak_db) / peak))


def normalize_rms(audio: np.ndarray, rms_db: float, max_peak_db: float = -1.0) -> np.ndarray:
    """Scale so the RMS level is ``rms_db`` dBFS, or lower if peaks would pass ``max_peak_db``.

    Sparse, spiky sounds (clicks, drops) would clip at a typical RMS level; they
    come out quieter instead of distorted.
    """
    level = rms(audio)
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if level == 0.0:
        return finish(audio)
    factor = min(db_to_gain(rms_db) / level, db_to_gain(max_peak_db) / peak)
    return finish(audio * factor)


def fade(audio: np.ndarray, sample_rate: int, fade_in_s: float, fade_out_s: float) -> np.ndarray:
    """Apply raised-cosine fades along axis 0 (clicks at hard edges would add broadband energy)."""
    out = np.array(audio, dtype=np.float32, copy=True)
    for seconds, at_start in ((fade_in_s, True), (fade_out_s, False)):
        n = min(len(out), int(round(seconds * sample_rate)))
        if n <= 0:
            continue
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n))).astype(np.float32)
        ramp = ramp.reshape((n,) + (1,) * (out.ndim - 1))  # one ramp for every channel
        if at_start:
            out[:n] *= ramp
        else:
            out[-n:] *= ramp[::-1]
    return out


def resample(audio: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Band-limited resampling of a mono signal (torchaudio's windowed sinc)."""
    if from_rate == to_rate:
        return np.asarray(audio, dtype=np.float32)
    tensor = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32))
    return taf.resample(tensor, from_rate, to_rate).numpy()

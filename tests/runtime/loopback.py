"""Signals to play and ways to find them again in what the virtual microphone heard."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf

from workbench.core.audio.audio_convert import RateConverter


def chirp(rate: int, seconds: float = 2.0, f0: float = 200.0, f1: float = 8000.0,
          amplitude: float = 0.5) -> np.ndarray:
    """A logarithmic sweep with 20 ms fades (mono float32)."""
    t = np.arange(int(rate * seconds)) / rate
    k = np.log(f1 / f0) / seconds
    x = amplitude * np.sin(2 * np.pi * f0 * (np.exp(k * t) - 1) / k)
    fade = min(len(x) // 2, int(0.02 * rate))
    ramp = np.linspace(0.0, 1.0, fade)
    x[:fade] *= ramp
    x[-fade:] *= ramp[::-1]
    return x.astype(np.float32)


def band_noise(rate: int, seconds: float, seed: int = 0, amplitude: float = 0.3) -> np.ndarray:
    """Noise below 6 kHz: unambiguous to align anywhere, survives resampling."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(int(rate * seconds))
    spectrum = np.fft.rfft(x)
    spectrum[np.fft.rfftfreq(len(x), 1 / rate) > 6000] = 0
    y = np.fft.irfft(spectrum, len(x))
    return (amplitude * y / np.max(np.abs(y))).astype(np.float32)


def espeak_phrase(path: Path, text: str = "The quick brown fox records a take") -> tuple[
        np.ndarray, int]:
    """Speech from espeak-ng (mono float32, its own rate)."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise RuntimeError("espeak-ng is not installed")
    subprocess.run([exe, "-w", str(path), text], check=True, capture_output=True, timeout=30)
    data, rate = sf.read(path, dtype="float32")
    return (data if data.ndim == 1 else data[:, 0]), rate


def resample(x: np.ndarray, in_rate: int, out_rate: int) -> np.ndarray:
    x2 = x[:, None] if x.ndim == 1 else x
    def read(a, b):
        out = np.zeros((b - a, x2.shape[1]), np.float32)
        lo, hi = max(a, 0), min(b, len(x2))
        if hi > lo:
            out[lo - a:hi - a] = x2[lo:hi]
        return out
    rc = RateConverter(in_rate, out_rate)
    y = rc.convert(read, 0, rc.output_frames_for(len(x2)))
    return y[:, 0] if x.ndim == 1 else y


def align(reference: np.ndarray, recorded: np.ndarray) -> tuple[int, float]:
    """(lag, normalized cross-correlation) of `reference` inside `recorded` (both mono).

    lag is the recorded frame where reference[0] lies.
    """
    n = len(recorded) + len(reference)
    size = 1 << (n - 1).bit_length()
    corr = np.fft.irfft(np.fft.rfft(recorded, size) * np.conj(np.fft.rfft(reference, size)), size)
    corr = corr[: len(recorded)]  # non-negative lags only
    lag = int(np.argmax(corr))
    segment = recorded[lag:lag + len(reference)]
    ref = reference[: len(segment)]
    denom = np.sqrt(np.sum(segment.astype(np.float64) ** 2) * np.sum(ref.astype(np.float64) ** 2))
    return lag, float(np.dot(segment, ref) / denom) if denom > 0 else 0.0

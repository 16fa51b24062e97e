"""On-the-fly augmentation of recognizer training utterances (numpy + torch, no Qt).

Waveform side (`augment_waveform`, per utterance, seeded by the caller's generator):
speed perturbation 0.85-1.15 (tempo, pitch and formants move together, a cheap
vocal-tract-length perturbation), room reverb from the bank, additive noise from the
bank at 0-30 dB SNR, telephone band-limiting (300-3400 Hz), clipping, and a random
level.  Feature side (`augment_features`): a smooth random EQ curve added to the
log-mel (microphone/channel colour) and SpecAugment masks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

SAMPLE_RATE = 16000


@dataclass(frozen=True)
class AugmentBank:
    """Noises (n, samples) and room impulse responses (n, samples), float32 at 16 kHz."""

    noises: np.ndarray
    irs: np.ndarray

    @classmethod
    def load(cls, path) -> AugmentBank:
        with np.load(path) as data:
            return cls(data["noises"].astype(np.float32), data["irs"].astype(np.float32))


def change_speed(audio: np.ndarray, factor: float) -> np.ndarray:
    """Play ``factor`` times faster (linear interpolation; pitch moves with tempo)."""
    count = max(2, int(round(len(audio) / factor)))
    positions = np.linspace(0.0, len(audio) - 1, count)
    return np.interp(positions, np.arange(len(audio)), audio).astype(np.float32)


def _fft_convolve(audio: np.ndarray, ir: np.ndarray) -> np.ndarray:
    size = len(audio) + len(ir) - 1
    n = 1 << (size - 1).bit_length()
    out = np.fft.irfft(np.fft.rfft(audio, n) * np.fft.rfft(ir, n), n)[:len(audio)]
    return out.astype(np.float32)


def band_limit(audio: np.ndarray, low_hz: float, high_hz: float) -> np.ndarray:
    """Zero everything outside [low_hz, high_hz] (a brick-wall telephone channel)."""
    spectrum = np.fft.rfft(audio)
    freqs = np.fft.rfftfreq(len(audio), 1.0 / SAMPLE_RATE)
    spectrum[(freqs < low_hz) | (freqs > high_hz)] = 0.0
    return np.fft.irfft(spectrum, len(audio)).astype(np.float32)


def _rms(audio: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)) + 1e-12))


def add_noise(audio: np.ndarray, noise: np.ndarray, snr_db: float,
              rng: np.random.Generator) -> np.ndarray:
    """``audio`` plus a random stretch of ``noise`` (looped) at ``snr_db``."""
    start = int(rng.integers(0, len(noise)))
    reps = int(np.ceil((start + len(audio)) / len(noise)))
    piece = np.tile(noise, reps)[start:start + len(audio)]
    gain = _rms(audio) / (_rms(piece) * 10 ** (snr_db / 20))
    return (audio + gain * piece).astype(np.float32)


def augment_waveform(audio: np.ndarray, bank: AugmentBank | None,
                     rng: np.random.Generator) -> np.ndarray:
    """A randomly degraded copy of ``audio`` (float32 mono at 16 kHz)."""
    x = audio.astype(np.float32)
    if rng.random() < 0.6:
        x = change_speed(x, float(rng.uniform(0.85, 1.15)))
    if bank is not None and rng.random() < 0.3:
        ir = bank.irs[int(rng.integers(len(bank.irs)))]
        wet = _fft_convolve(x, ir)
        mix = float(rng.uniform(0.3, 1.0))
        x = (1 - mix) * x + mix * wet * (_rms(x) / max(_rms(wet), 1e-9))
    if bank is not None and rng.random() < 0.5:
        snr = float(rng.uniform(0.0, 30.0)) if rng.random() < 0.4 else float(
            rng.uniform(10.0, 30.0))
        x = add_noise(x, bank.noises[int(rng.integers(len(bank.noises)))], snr, rng)
    if rng.random() < 0.1:
        x = band_limit(x, float(rng.uniform(200, 400)), float(rng.uniform(3000, 3800)))
    peak = float(np.max(np.abs(x))) or 1.0
    x = x / peak * 10 ** (rng.uniform(-35.0, -1.0) / 20)
    if rng.random() < 0.05:  # overdriven input: 1-10% of the samples clipped
        limit = float(np.quantile(np.abs(x), 1.0 - rng.uniform(0.01, 0.1)))
        x = np.clip(x, -limit, limit)
    return x.astype(np.float32)


def augment_features(feats: Tensor, lengths: Tensor, generator: torch.Generator,
                     masks: bool = True) -> Tensor:
    """Random EQ (smooth curve over the mel bands, up to about +-0.6 normalized units) and
    SpecAugment: two band masks of up to 12 mels, one time mask of up to 15 frames per
    1.5 s of speech (each at most 10% of the utterance).  feats: (batch, frames, mels)."""
    batch, frames, mels = feats.shape
    knots = (torch.rand(batch, 1, 6, generator=generator) - 0.5) * 1.2
    curve = torch.nn.functional.interpolate(knots, size=mels, mode="linear",
                                            align_corners=True)
    out = feats + curve
    if not masks:
        return out
    for row in range(batch):
        length = int(lengths[row])
        for _ in range(2):
            width = int(torch.randint(0, 13, (1,), generator=generator))
            start = int(torch.randint(0, mels - width + 1, (1,), generator=generator))
            out[row, :, start:start + width] = 0.0
        longest = max(1, min(15, length // 10))
        for _ in range(max(1, length // 150)):
            width = int(torch.randint(0, longest + 1, (1,), generator=generator))
            start = int(torch.randint(0, max(1, length - width), (1,), generator=generator))
            out[row, start:start + width, :] = 0.0
    return out

"""What the enhancer is compared with, each a function (16 kHz mono float32 -> same length).

- `wiener`: a classic written here: decision-directed Wiener gain over a noise
  estimate that tracks the minimum of the smoothed power (minimum statistics).
- `noisereduce_peer`: the noisereduce package (spectral gating, non-stationary mode).
- `rnnoise_peer`: RNNoise's own trained weights through the pyrnnoise package; it
  runs at 48 kHz, so the audio is resampled to 48 kHz and back and the output is
  moved earlier by RNNoise's measured delay.

The packages are optional (the eval extra); `available_peers()` lists those that
import, and says why the others do not.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from workbench.training.synth.arrays import resample

Peer = Callable[[np.ndarray], np.ndarray]
RATE = 16000


def wiener(noisy: np.ndarray, n_fft: int = 512, hop: int = 128, window_s: float = 1.5,
           bias: float = 1.8, floor_db: float = -18.0) -> np.ndarray:
    """Decision-directed Wiener filter with a minimum-statistics noise estimate."""
    x = torch.from_numpy(np.asarray(noisy, np.float32))
    window = torch.hann_window(n_fft)
    spectrum = torch.stft(x, n_fft, hop, window=window, return_complex=True).numpy()
    power = np.abs(spectrum.T) ** 2 + 1e-12                        # frames x bins
    smooth = np.empty_like(power)
    acc = power[0]
    for t in range(len(power)):
        acc = 0.85 * acc + 0.15 * power[t]
        smooth[t] = acc
    span = max(2, int(window_s * RATE / hop))
    padded = np.concatenate([np.repeat(smooth[:1], span - 1, 0), smooth])
    noise = bias * np.lib.stride_tricks.sliding_window_view(padded, span, axis=0).min(-1)
    gain_floor = 10 ** (floor_db / 20)
    gains = np.empty_like(power)
    previous = np.zeros(power.shape[1])
    for t in range(len(power)):
        posterior = power[t] / noise[t]
        prior = 0.98 * previous / noise[t] + 0.02 * np.maximum(posterior - 1, 0)
        gains[t] = np.maximum(prior / (1 + prior), gain_floor)
        previous = gains[t] ** 2 * power[t]
    out = torch.istft(torch.from_numpy((spectrum.T * gains).T), n_fft, hop, window=window,
                      length=len(noisy))
    return out.numpy().astype(np.float32)


def noisereduce_peer(noisy: np.ndarray) -> np.ndarray:
    import noisereduce

    return noisereduce.reduce_noise(y=noisy, sr=RATE, stationary=False).astype(np.float32)


_RNNOISE_RATE = 48000


def _rnnoise_48k(audio16: np.ndarray) -> np.ndarray:
    from pyrnnoise import RNNoise

    x48 = resample(audio16, RATE, _RNNOISE_RATE)
    pcm = np.clip(np.round(x48 * 32767), -32768, 32767).astype(np.int16)
    denoiser = RNNoise(_RNNOISE_RATE)
    frames = [frame for _, frame in denoiser.denoise_chunk(pcm[None, :], partial=True)]
    out = np.concatenate([np.atleast_2d(f) for f in frames], axis=1)[0] if frames \
        else np.zeros(0)
    return resample(out.astype(np.float32) / 32768, _RNNOISE_RATE, RATE)


def rnnoise_delay(probe: np.ndarray) -> int:
    """RNNoise's delay at 16 kHz, in samples: the lag that best aligns its output with
    ``probe`` (clean speech, which it passes nearly unchanged)."""
    out = _rnnoise_48k(probe)
    best, best_score = 0, -np.inf
    for lag in range(0, 800):
        n = min(len(probe), len(out) - lag)
        score = float(np.dot(probe[:n], out[lag:lag + n]))
        if score > best_score:
            best, best_score = lag, score
    return best


def rnnoise_peer(delay: int) -> Peer:
    """RNNoise with its output moved ``delay`` samples earlier (same length as the input)."""
    def run(noisy: np.ndarray) -> np.ndarray:
        out = _rnnoise_48k(noisy)[delay:]
        return np.pad(out, (0, max(0, len(noisy) - len(out))))[:len(noisy)].astype(np.float32)
    return run


def available_peers(probe: np.ndarray) -> tuple[dict[str, Peer], dict[str, str]]:
    """(name -> peer, name -> why it is missing); ``probe`` calibrates RNNoise's delay."""
    peers: dict[str, Peer] = {"wiener": wiener}
    missing: dict[str, str] = {}
    try:
        import noisereduce  # noqa: F401
        peers["noisereduce"] = noisereduce_peer
    except ImportError as exc:
        missing["noisereduce"] = f"not installed ({exc})"
    try:
        import pyrnnoise  # noqa: F401
        peers["rnnoise"] = rnnoise_peer(rnnoise_delay(probe))
    except ImportError as exc:
        missing["rnnoise"] = f"not installed ({exc})"
    return peers, missing

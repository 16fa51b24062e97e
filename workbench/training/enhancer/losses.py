"""Training losses and scores of the enhancer: SI-SDR and a compressed spectral distance."""

from __future__ import annotations

import torch
from torch import Tensor

_EPS = 1e-8


def si_sdr(estimate: Tensor, target: Tensor) -> Tensor:
    """Scale-invariant SDR in dB per row of (batch, samples) tensors (zero-mean first)."""
    estimate = estimate - estimate.mean(-1, keepdim=True)
    target = target - target.mean(-1, keepdim=True)
    scale = (estimate * target).sum(-1, keepdim=True) / (target.pow(2).sum(-1, keepdim=True)
                                                         + _EPS)
    projection = scale * target
    residual = estimate - projection
    return 10 * torch.log10((projection.pow(2).sum(-1) + _EPS) / (residual.pow(2).sum(-1) + _EPS))


def spectral_distance(estimate: Tensor, target: Tensor,
                      resolutions: tuple[tuple[int, int], ...] = ((512, 256), (1024, 512))
                      ) -> Tensor:
    """Mean squared distance of power-law compressed (|X|**0.3) magnitudes and complex
    spectra at several STFT resolutions, both signals divided by the target's RMS first
    (so quiet and loud examples count alike)."""
    level = target.pow(2).mean(-1, keepdim=True).sqrt() + 1e-5
    estimate, target = estimate / level, target / level
    total = estimate.new_zeros(())
    for n_fft, hop in resolutions:
        window = torch.hann_window(n_fft, device=estimate.device)
        e = torch.stft(estimate, n_fft, hop, window=window, return_complex=True)
        t = torch.stft(target, n_fft, hop, window=window, return_complex=True)
        e_mag, t_mag = e.abs().clamp_min(1e-6), t.abs().clamp_min(1e-6)
        e_c, t_c = e_mag.pow(0.3), t_mag.pow(0.3)
        total = total + (e_c - t_c).pow(2).mean()
        total = total + 0.3 * (e_c * e / e_mag - t_c * t / t_mag).abs().pow(2).mean()
    return total / len(resolutions)

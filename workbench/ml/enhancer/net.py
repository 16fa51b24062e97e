"""A small speech enhancer: STFT magnitudes -> GRU -> a sigmoid mask per bin,
applied to the complex spectrum and turned back into audio by overlap-add.

One channel at a time (channels go in as the batch); the output has the
input's exact length.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

from workbench.ml.zoo import ModelCard

ARCHITECTURE = "mask-enhancer"


class MaskEnhancer(nn.Module):
    """Waveform (batch, samples) -> enhanced waveform (batch, samples), same rate."""

    def __init__(self, n_fft: int = 512, hop: int = 128, hidden: int = 256,
                 layers: int = 2) -> None:
        super().__init__()
        self.n_fft, self.hop = n_fft, hop
        bins = n_fft // 2 + 1
        # Not persistent: a window is not a weight, and .to(device) still moves it.
        self.register_buffer("window", torch.hann_window(n_fft), persistent=False)
        self.rnn = nn.GRU(bins, hidden, layers, batch_first=True)
        self.mask = nn.Linear(hidden, bins)

    @property
    def min_samples(self) -> int:
        """Shorter input must be padded (the STFT's reflection padding needs this many)."""
        return self.n_fft // 2 + 1

    def masks(self, spectrum: Tensor) -> Tensor:
        """Mask in [0, 1] for a complex spectrum (batch, bins, frames)."""
        h, _ = self.rnn(torch.log1p(spectrum.abs()).transpose(1, 2))
        return torch.sigmoid(self.mask(h)).transpose(1, 2)

    def forward(self, waveform: Tensor) -> Tensor:
        spectrum = torch.stft(waveform, self.n_fft, self.hop, window=self.window,
                              return_complex=True)
        return torch.istft(spectrum * self.masks(spectrum), self.n_fft, self.hop,
                           window=self.window, length=waveform.shape[-1])


def build_enhancer(card: ModelCard) -> MaskEnhancer:
    """The untrained architecture an enhancer card describes (config: n_fft, hop,
    hidden, layers)."""
    if card.architecture != ARCHITECTURE:
        raise ValueError(f"an enhancer card must name architecture {ARCHITECTURE!r}, "
                         f"not {card.architecture!r}")
    config = {k: card.config[k] for k in ("n_fft", "hop", "hidden", "layers")
              if k in card.config}
    return MaskEnhancer(**config)

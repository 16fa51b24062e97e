"""A small CTC speech recognizer: log-mel features, a convolutional subsampler,
a bidirectional GRU, and per-frame character posteriors.

Symbols: 0 is the CTC blank, then the card's alphabet (by default space,
apostrophe, a-z).  One output frame covers `seconds_per_frame` seconds
(4 feature hops: 40 ms at the default 10 ms hop).
"""

from __future__ import annotations

import math

import torch
import torchaudio
from torch import Tensor, nn

from workbench.ml.zoo import ModelCard

ARCHITECTURE = "ctc-recognizer"
CHARACTERS = " 'abcdefghijklmnopqrstuvwxyz"
SUBSAMPLING = 4  # two stride-2 convolutions over time


class LogMel(nn.Module):
    """Waveform (batch, samples) -> log-mel features (batch, frames, mels), each band
    normalised to zero mean and unit variance over the clip."""

    def __init__(self, sample_rate: int, n_mels: int, hop_s: float = 0.010,
                 window_s: float = 0.025) -> None:
        super().__init__()
        self.hop = round(sample_rate * hop_s)
        win = round(sample_rate * window_s)
        self.mel = torchaudio.transforms.MelSpectrogram(
            sample_rate, n_fft=2 ** math.ceil(math.log2(win)), win_length=win,
            hop_length=self.hop, n_mels=n_mels)

    def forward(self, waveform: Tensor) -> Tensor:
        feats = torch.log(self.mel(waveform) + 1e-6).transpose(1, 2)
        mean = feats.mean(dim=1, keepdim=True)
        std = feats.std(dim=1, keepdim=True, unbiased=False)
        return (feats - mean) / (std + 1e-5)


class CtcRecognizer(nn.Module):
    """Waveform (batch, samples) at `sample_rate` -> log posteriors (batch, frames, symbols)."""

    def __init__(self, sample_rate: int = 16000, symbols: int = len(CHARACTERS) + 1,
                 n_mels: int = 80, conv_channels: int = 32, hidden: int = 256,
                 layers: int = 2, dropout: float = 0.1) -> None:
        super().__init__()
        self.sample_rate = sample_rate
        self.features = LogMel(sample_rate, n_mels)
        self.subsample = nn.Sequential(
            nn.Conv2d(1, conv_channels, 3, stride=2, padding=1), nn.GELU(),
            nn.Conv2d(conv_channels, conv_channels, 3, stride=2, padding=1), nn.GELU())
        bands = math.ceil(math.ceil(n_mels / 2) / 2)
        self.project = nn.Linear(conv_channels * bands, hidden)
        self.rnn = nn.GRU(hidden, hidden, layers, batch_first=True, bidirectional=True,
                          dropout=dropout if layers > 1 else 0.0)
        self.classify = nn.Linear(2 * hidden, symbols)

    @property
    def seconds_per_frame(self) -> float:
        return SUBSAMPLING * self.features.hop / self.sample_rate

    def output_frames(self, samples: Tensor | int) -> Tensor | int:
        """How many output frames a clip of `samples` samples gives (for CTC lengths)."""
        frames = samples // self.features.hop + 1
        for _ in range(2):
            frames = (frames - 1) // 2 + 1
        return frames

    def forward(self, waveform: Tensor) -> Tensor:
        x = self.subsample(self.features(waveform).unsqueeze(1))  # batch, ch, frames, bands
        x = x.permute(0, 2, 1, 3).flatten(2)
        x, _ = self.rnn(self.project(x))
        return torch.log_softmax(self.classify(x), dim=-1)


def build_recognizer(card: ModelCard) -> CtcRecognizer:
    """The untrained architecture a recognizer card describes (config: n_mels,
    conv_channels, hidden, layers, dropout; alphabet: the characters after blank)."""
    if card.architecture != ARCHITECTURE:
        raise ValueError(f"a recognizer card must name architecture {ARCHITECTURE!r}, "
                         f"not {card.architecture!r}")
    characters = card.alphabet if card.alphabet is not None else CHARACTERS
    if " " not in characters:
        raise ValueError("a recognizer alphabet needs the space character between words")
    config = {k: card.config[k] for k in ("n_mels", "conv_channels", "hidden", "layers",
                                          "dropout") if k in card.config}
    return CtcRecognizer(card.sample_rate, len(characters) + 1, **config)

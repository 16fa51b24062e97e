"""A small CTC speech recognizer that runs the same way over a whole file and live.

log-mel features (fixed normalization stored in the weights) -> two stride-2
convolutions (x4 subsampling: one output frame per 40 ms) -> latency-controlled
bidirectional GRU layers -> per-frame character log posteriors (0 is the CTC blank).

Latency control (LC-BGRU): time is cut into chunks of `chunk` frames; every layer
reads a window of the chunk plus `right` frames of look-ahead.  The forward GRU
carries its state from chunk to chunk; the backward GRU starts from zero at the end
of each window; the look-ahead frames' outputs feed the next layer's look-ahead and
are then dropped.  Whole-file inference computes exactly these windows (batched),
so streaming (`stream.RecognizerStream`) and whole-file results agree to float
rounding, and no output depends on audio more than (chunk + right) frames ahead of the
chunk start.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
import torchaudio
from torch import Tensor, nn

from workbench.ml.zoo import ModelCard

ARCHITECTURE = "ctc-recognizer"
CHARACTERS = " 'abcdefghijklmnopqrstuvwxyz"
SUBSAMPLING = 4  # two stride-2 convolutions over time
CONV_LOOKAHEAD = 3  # feature frames past the last one a subsampled frame reads


class LogMel(nn.Module):
    """Waveform (batch, samples) -> log-mel features (batch, frames, mels), normalized by
    fixed per-band statistics (buffers set from the training data, saved in the weights)."""

    def __init__(self, sample_rate: int, n_mels: int, hop_s: float = 0.010,
                 window_s: float = 0.025) -> None:
        super().__init__()
        self.hop = round(sample_rate * hop_s)
        win = round(sample_rate * window_s)
        self.n_fft = 2 ** math.ceil(math.log2(win))
        self.mel = torchaudio.transforms.MelSpectrogram(
            sample_rate, n_fft=self.n_fft, win_length=win, hop_length=self.hop, n_mels=n_mels)
        self.register_buffer("mean", torch.zeros(n_mels))
        self.register_buffer("std", torch.ones(n_mels))

    def raw(self, waveform: Tensor) -> Tensor:
        """Unnormalized log-mel (batch, frames, mels)."""
        return torch.log(self.mel(waveform) + 1e-6).transpose(1, 2)

    def forward(self, waveform: Tensor) -> Tensor:
        return (self.raw(waveform) - self.mean) / self.std

    def padded_frames(self, padded: Tensor) -> Tensor:
        """Normalized features (batch, frames, mels) of audio that already carries its
        centring padding: frame f reads samples [f hop, f hop + n_fft) (the same numbers
        `forward` gives for frame f of the unpadded audio)."""
        spec = self.mel.spectrogram
        stft = torch.stft(padded, spec.n_fft, spec.hop_length, spec.win_length, spec.window,
                          center=False, return_complex=True)
        mel = self.mel.mel_scale(stft.abs().pow(2.0))
        return (torch.log(mel + 1e-6).transpose(1, 2) - self.mean) / self.std


class ChunkedBiGRU(nn.Module):
    """One latency-controlled bidirectional GRU layer over windows (see the module doc)."""

    def __init__(self, inputs: int, hidden: int) -> None:
        super().__init__()
        self.hidden = hidden
        self.fwd = nn.GRU(inputs, hidden, batch_first=True)
        self.bwd = nn.GRU(inputs, hidden, batch_first=True)

    def forward(self, windows: Tensor, chunk: int, state: Tensor | None = None
                ) -> tuple[Tensor, Tensor]:
        """windows (batch, n, chunk + right, inputs) -> (batch, n, chunk + right, 2 hidden),
        and the forward state after the last chunk (1, batch, hidden)."""
        batch, n, width, inputs = windows.shape
        core = windows[:, :, :chunk].reshape(batch, n * chunk, inputs)
        fwd_core, last = self.fwd(core, state)
        fwd_core = fwd_core.reshape(batch, n, chunk, self.hidden)
        if width > chunk:
            starts = fwd_core[:, :, -1].reshape(1, batch * n, self.hidden).contiguous()
            ahead = windows[:, :, chunk:].reshape(batch * n, width - chunk, inputs)
            fwd_ahead, _ = self.fwd(ahead, starts)
            fwd_all = torch.cat([fwd_core, fwd_ahead.reshape(batch, n, width - chunk,
                                                             self.hidden)], dim=2)
        else:
            fwd_all = fwd_core
        flipped = windows.reshape(batch * n, width, inputs).flip(1)
        bwd, _ = self.bwd(flipped)
        bwd = bwd.flip(1).reshape(batch, n, width, self.hidden)
        return torch.cat([fwd_all, bwd], dim=-1), last


class CtcRecognizer(nn.Module):
    """Waveform (batch, samples) at `sample_rate` -> log posteriors (batch, frames, symbols).

    `chunk` and `right` are in output frames (40 ms each)."""

    def __init__(self, sample_rate: int = 16000, symbols: int = len(CHARACTERS) + 1,
                 n_mels: int = 80, conv_channels: int = 32, hidden: int = 256,
                 layers: int = 3, dropout: float = 0.15, chunk: int = 12,
                 right: int = 8) -> None:
        super().__init__()
        self.sample_rate = sample_rate
        self.chunk, self.right = chunk, right
        self.features = LogMel(sample_rate, n_mels)
        self.subsample = nn.Sequential(
            nn.Conv2d(1, conv_channels, 3, stride=2, padding=1), nn.GELU(),
            nn.Conv2d(conv_channels, conv_channels, 3, stride=2, padding=1), nn.GELU())
        bands = math.ceil(math.ceil(n_mels / 2) / 2)
        self.project = nn.Linear(conv_channels * bands, hidden)
        self.rnn = nn.ModuleList(ChunkedBiGRU(hidden if i == 0 else 2 * hidden, hidden)
                                 for i in range(layers))
        self.dropout = nn.Dropout(dropout)
        self.classify = nn.Linear(2 * hidden, symbols)

    @property
    def seconds_per_frame(self) -> float:
        return SUBSAMPLING * self.features.hop / self.sample_rate

    @property
    def lookahead_s(self) -> float:
        """The most audio past a chunk's end that its outputs depend on."""
        return (self.right * SUBSAMPLING + CONV_LOOKAHEAD) * self.features.hop \
            / self.sample_rate

    def output_frames(self, samples: Tensor | int) -> Tensor | int:
        """How many output frames a clip of `samples` samples gives (for CTC lengths)."""
        frames = samples // self.features.hop + 1
        for _ in range(2):
            frames = (frames - 1) // 2 + 1
        return frames

    def frontend(self, feats: Tensor) -> Tensor:
        """Normalized log-mel (batch, frames, mels) -> projected frames (batch, out, hidden)."""
        x = self.subsample(feats.unsqueeze(1))  # batch, ch, frames, bands
        return self.project(x.permute(0, 2, 1, 3).flatten(2))

    def encode(self, x: Tensor, lengths: Tensor | None = None,
               states: list[Tensor | None] | None = None) -> tuple[Tensor, list[Tensor]]:
        """Projected frames (batch, T, hidden) -> log posteriors (batch, T, symbols) and the
        forward states after the last whole chunk (frames past `lengths` are zeroed)."""
        batch, total, _ = x.shape
        if lengths is not None:
            mask = torch.arange(total, device=x.device)[None, :] < lengths[:, None]
            x = x * mask[..., None]
        n = max(1, math.ceil(total / self.chunk))
        x = F.pad(x, (0, 0, 0, n * self.chunk + self.right - total))
        windows = x.unfold(1, self.chunk + self.right, self.chunk).permute(0, 1, 3, 2)
        new_states = []
        for i, layer in enumerate(self.rnn):
            windows, last = layer(windows, self.chunk, None if states is None else states[i])
            new_states.append(last)
            windows = self.dropout(windows)
        core = windows[:, :, :self.chunk].reshape(batch, n * self.chunk, -1)[:, :total]
        return torch.log_softmax(self.classify(core), dim=-1), new_states

    def forward(self, waveform: Tensor, lengths: Tensor | None = None) -> Tensor:
        """Log posteriors (batch, frames, symbols); `lengths` in samples (optional)."""
        x = self.frontend(self.features(waveform))
        frames = None if lengths is None else self.output_frames(lengths)
        return self.encode(x, frames)[0]


CONFIG_KEYS = ("n_mels", "conv_channels", "hidden", "layers", "dropout", "chunk", "right")


def build_recognizer(card: ModelCard) -> CtcRecognizer:
    """The untrained architecture a recognizer card describes (config: n_mels,
    conv_channels, hidden, layers, dropout, chunk, right; alphabet: the characters after
    blank)."""
    if card.architecture != ARCHITECTURE:
        raise ValueError(f"a recognizer card must name architecture {ARCHITECTURE!r}, "
                         f"not {card.architecture!r}")
    characters = card.alphabet if card.alphabet is not None else CHARACTERS
    if " " not in characters:
        raise ValueError("a recognizer alphabet needs the space character between words")
    config = {k: card.config[k] for k in CONFIG_KEYS if k in card.config}
    return CtcRecognizer(card.sample_rate, len(characters) + 1, **config)

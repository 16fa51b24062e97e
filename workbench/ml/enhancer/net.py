"""A causal recurrent speech enhancer (RNNoise / NSNet style) that streams without seams.

Waveform -> frames of ``n_fft`` samples every ``hop`` (square-root Hann window)
-> log power per bin, minus a running level (so the input's loudness does not
matter) -> dense layer -> GRU layers -> a sigmoid gain per bin -> the noisy
spectrum times the gain -> inverse FFT, same window, overlap-add.

Everything is causal: a frame's gain depends on that frame and the ones before
it.  Algorithmic latency is one window (``n_fft`` samples; 32 ms at the shipped
512 samples / 16 kHz).  `EnhancerStream` carries the GRU state, the running
level, the samples not yet framed and the overlap-add tail from one chunk to
the next, so a file enhanced in chunks equals the file enhanced whole (same
arithmetic per frame; no seam).  Offline (`MaskEnhancer.forward`), the output
is shifted back by the latency, so it lines up with the input sample for
sample and has its exact length.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from workbench.ml.zoo import ModelCard

ARCHITECTURE = "mask-enhancer"
_POWER_FLOOR = 1e-10


@dataclass
class StreamState:
    """What one stream carries between chunks (batch = channels)."""

    hidden: Tensor | None = None     # GRU state (layers, batch, hidden)
    level: Tensor | None = None      # running mean log power (batch,), not bias-corrected
    frames_seen: int = 0


class MaskEnhancer(nn.Module):
    """Waveform (batch, samples) -> enhanced waveform (batch, samples), same rate.

    ``level_frames``: time constant of the running level, in frames.
    `forward(x, min_gain)` floors the gain at ``min_gain`` (an attenuation limit:
    0.1 lets noise go down by at most 20 dB).
    """

    def __init__(self, n_fft: int = 512, hop: int = 256, hidden: int = 128, layers: int = 2,
                 level_frames: float = 100.0) -> None:
        super().__init__()
        if n_fft % hop:
            raise ValueError(f"hop ({hop}) must divide n_fft ({n_fft})")
        self.n_fft, self.hop, self.hidden, self.layers = n_fft, hop, hidden, layers
        self.level_decay = math.exp(-1.0 / level_frames)
        bins = n_fft // 2 + 1
        window = torch.hann_window(n_fft, periodic=True).sqrt()
        # Overlap-add of window**2 at this hop is constant; dividing by it makes
        # analysis + synthesis an identity when every gain is 1.
        norm = float((window ** 2).reshape(-1, hop).sum(0).mean())
        # Not persistent: a window is not a weight, and .to(device) still moves it.
        self.register_buffer("window", window, persistent=False)
        self.register_buffer("synthesis_window", window / norm, persistent=False)
        self.embed = nn.Linear(bins, hidden)
        self.rnn = nn.GRU(hidden, hidden, layers, batch_first=True)
        self.mask = nn.Linear(hidden, bins)

    @property
    def latency(self) -> int:
        """Algorithmic latency in samples (one window)."""
        return self.n_fft

    # -- spectra -------------------------------------------------------------

    def spectra(self, padded: Tensor) -> Tensor:
        """Complex spectra (batch, frames, bins) of every full frame of ``padded``."""
        frames = padded.unfold(-1, self.n_fft, self.hop) * self.window
        return torch.fft.rfft(frames, dim=-1)

    def features(self, spectrum: Tensor, state: StreamState) -> Tensor:
        """Log power per bin minus the running level (updates ``state.level``)."""
        logpow = torch.log(spectrum.real ** 2 + spectrum.imag ** 2 + _POWER_FLOOR)
        frame_level = logpow.mean(-1).detach()                     # (batch, frames)
        level = state.level if state.level is not None else frame_level.new_zeros(
            frame_level.shape[0])
        a, seen = self.level_decay, state.frames_seen
        levels = []
        for t in range(frame_level.shape[1]):
            level = a * level + (1 - a) * frame_level[:, t]
            levels.append(level / (1 - a ** (seen + t + 1)))      # bias-corrected mean
        state.level, state.frames_seen = level, seen + frame_level.shape[1]
        current = torch.stack(levels, 1) if levels else frame_level
        return (logpow - current.unsqueeze(-1)) / 4.0

    def gains(self, spectrum: Tensor, state: StreamState) -> Tensor:
        """Gain in [0, 1] per bin (batch, frames, bins); updates ``state``."""
        return self.gains_and_states(spectrum, state)[0]

    def gains_and_states(self, spectrum: Tensor, state: StreamState) -> tuple[Tensor, Tensor]:
        """The gains and the top GRU layer's state at every frame (batch, frames, hidden),
        which the mask layer reads (for looking inside the net); updates ``state``."""
        h = torch.relu(self.embed(self.features(spectrum, state)))
        h, state.hidden = self.rnn(h, state.hidden)
        return torch.sigmoid(self.mask(h)), h

    def synthesize(self, spectrum: Tensor) -> Tensor:
        """Windowed frames (batch, frames, n_fft) of a spectrum, ready for overlap-add."""
        return torch.fft.irfft(spectrum, n=self.n_fft, dim=-1) * self.synthesis_window

    def overlap_add(self, frames: Tensor) -> Tensor:
        """(batch, frames, n_fft) -> (batch, (frames - 1) * hop + n_fft)."""
        batch, count, _ = frames.shape
        length = (count - 1) * self.hop + self.n_fft
        return nn.functional.fold(frames.transpose(1, 2), (1, length), (1, self.n_fft),
                                  stride=(1, self.hop)).reshape(batch, length)

    # -- whole signals ---------------------------------------------------------

    def forward(self, waveform: Tensor, min_gain: float = 0.0) -> Tensor:
        """Enhance whole signals (batch, samples); differentiable (used in training)."""
        stream = EnhancerStream(self, waveform.shape[0], min_gain)
        return torch.cat([stream.push(waveform), stream.flush()], dim=-1)


class EnhancerStream:
    """Enhances a long signal chunk by chunk; concatenated outputs equal `MaskEnhancer.forward`.

    `push(chunk)` returns the samples that are final so far; `flush()` the
    rest.  Together they return exactly as many samples as were pushed, aligned
    with the input (the first ``n_fft - hop`` samples of the overlap-add, which
    lie before the signal, are dropped).  Not thread-safe: one stream per job.
    """

    def __init__(self, net: MaskEnhancer, batch: int, min_gain: float = 0.0) -> None:
        self.net, self.min_gain = net, float(min_gain)
        self.state = StreamState()
        ref = net.window
        self._pending = ref.new_zeros(batch, net.n_fft - net.hop)  # left padding, then input
        self._tail = ref.new_zeros(batch, net.n_fft - net.hop)
        self._to_skip = net.n_fft - net.hop
        self._pushed = self._emitted = 0

    def push(self, chunk: Tensor) -> Tensor:
        """Feed (batch, samples); returns the finished output samples (batch, n)."""
        self._pushed += chunk.shape[-1]
        return self._emit(self._run(chunk))

    def flush(self) -> Tensor:
        """The remaining samples (so that the total equals the samples pushed)."""
        net = self.net
        zeros = self._pending.new_zeros(self._pending.shape[0], net.n_fft)
        return self._emit(self._run(zeros))

    def _run(self, chunk: Tensor) -> Tensor:
        net = self.net
        pending = torch.cat([self._pending, chunk.to(self._pending.dtype)], dim=-1)
        count = (pending.shape[-1] - net.n_fft) // net.hop + 1 if pending.shape[-1] >= net.n_fft \
            else 0
        if count <= 0:
            self._pending = pending
            return pending[:, :0]
        spectrum = net.spectra(pending[:, :(count - 1) * net.hop + net.n_fft])
        self._pending = pending[:, count * net.hop:]
        gains = net.gains(spectrum, self.state)
        if self.min_gain > 0:
            gains = gains.clamp(min=self.min_gain)
        out = net.overlap_add(net.synthesize(spectrum * gains))
        overlap = net.n_fft - net.hop
        out = torch.cat([out[:, :overlap] + self._tail, out[:, overlap:]], dim=-1)
        self._tail = out[:, count * net.hop:]
        return out[:, :count * net.hop]

    def _emit(self, ready: Tensor) -> Tensor:
        skip = min(self._to_skip, ready.shape[-1])
        self._to_skip -= skip
        ready = ready[:, skip:]
        ready = ready[:, :max(0, self._pushed - self._emitted)]
        self._emitted += ready.shape[-1]
        return ready


def build_enhancer(card: ModelCard) -> MaskEnhancer:
    """The untrained architecture an enhancer card describes (config: n_fft, hop,
    hidden, layers, level_frames)."""
    if card.architecture != ARCHITECTURE:
        raise ValueError(f"an enhancer card must name architecture {ARCHITECTURE!r}, "
                         f"not {card.architecture!r}")
    config = {k: card.config[k] for k in ("n_fft", "hop", "hidden", "layers", "level_frames")
              if k in card.config}
    return MaskEnhancer(**config)

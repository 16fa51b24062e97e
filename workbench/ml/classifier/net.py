"""A small convolutional sound-class network over log-mel patches of about one second.

The network sees an 89-frame log-mel patch (0.91 s of 16 kHz audio, 10 ms
frames: exactly its receptive field) and gives one score per class.  Every convolution is unpadded in time
and the time strides multiply to 8, and windows start every 24 frames (a
multiple of 8).  So the features of a window are exactly a slice of the
features of the whole recording: inference runs the convolutions once over a
long stretch and pools each window from them (`window_logits`), which is four
times cheaper than running overlapping windows one by one and gives the same
numbers as `forward` on each window alone.

Shapes: log-mel input ``[batch, 1, n_mels, frames]``; `frame_features` gives
``[batch, embedding, steps]`` with one step per 8 frames; `forward` on a
patch of at least 89 frames gives ``[batch, classes]`` logits (frames past
the 89th are not read).

An optional context layer (`WindowContext`, ``context_radius`` > 0 in the
config) re-scores each window from the class log-probabilities of its
neighbours, ``context_radius`` windows either side: a held note and a beep
can look alike within one window and differ in what comes before and after.
It is trained after the CNN, with the CNN frozen (training/classifier/context.py).
With it, a window's scores depend on its neighbours, so `window_logits` over a
recording no longer equals `forward` on each window cut out alone (`forward`
scores a lone window as if it repeated).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import torch
import torchaudio
from torch import Tensor, nn

DEFAULT_LABELS = ("speech", "music", "noise", "tone", "silence")
# Time strides of the convolutions; their product is how many frames one feature step spans.
_TIME_STRIDES = (2, 2, 2, 1, 1)
_FREQ_STRIDES = (2, 2, 2, 2, 1)
_KERNELS = (5, 3, 3, 3, 3)
# Digital silence would give log(0); the floor sits far below any real recording (-100 dB).
_POWER_FLOOR = 1e-10
# Window level features: mean level and this percentile of the frame levels (robust to the
# frames SpecAugment blanks in training), as (dB + offset) / scale so they sit near 0..5.
LEVEL_FEATURES = 2
_LEVEL_PERCENTILE = 0.25
_LEVEL_OFFSET_DB, _LEVEL_SCALE_DB = 100.0, 20.0


@dataclass(frozen=True)
class ClassifierConfig:
    """Hyperparameters of the front end and the network (stored in the model card)."""

    labels: tuple[str, ...] = DEFAULT_LABELS
    sample_rate: int = 16000
    n_fft: int = 512
    win_length: int = 400
    hop_length: int = 160
    n_mels: int = 64
    window_frames: int = 89
    hop_frames: int = 24
    channels: tuple[int, ...] = (16, 32, 48, 64, 64)
    embedding: int = 96
    dropout: float = 0.2
    # Windows either side that the context layer reads (0: no context layer, every window
    # is scored alone), and its width.
    context_radius: int = 0
    context_hidden: int = 48
    # The head also reads each window's level (`window_levels`): the labelling rule tells
    # silence from quiet sound by level, whatever the texture.
    level_input: bool = False
    # The labelling rule's level gate (dBFS; None: none), the line between quiet and loud
    # applied after the network (`task.level_gate`): a window quiet all through is
    # silence, one loud at its centre never is.  Only for labels with a "silence" class.
    silence_gate_dbfs: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def time_stride(self) -> int:
        product = 1
        for s in _TIME_STRIDES:
            product *= s
        return product

    @property
    def window_samples(self) -> int:
        """Samples one window reads: its frames without centre padding."""
        return self.n_fft + (self.window_frames - 1) * self.hop_length

    @property
    def hop_samples(self) -> int:
        return self.hop_frames * self.hop_length

    @property
    def window_s(self) -> float:
        return self.window_samples / self.sample_rate

    @property
    def hop_s(self) -> float:
        return self.hop_samples / self.sample_rate

    def to_json(self) -> dict:
        data = asdict(self)
        data["labels"] = list(self.labels)
        data["channels"] = list(self.channels)
        return data

    @classmethod
    def from_json(cls, data: dict) -> ClassifierConfig:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["labels"] = tuple(known.get("labels", DEFAULT_LABELS))
        known["channels"] = tuple(known.get("channels", cls.channels))
        return cls(**known)


class LogMel(nn.Module):
    """Waveform ``[batch, samples]`` -> log-mel power in dB ``[batch, 1, n_mels, frames]``.

    No centre padding: frame ``i`` reads samples ``[i * hop, i * hop + n_fft)``, so
    frames of a long recording line up with frames of any window cut from it.
    The same computation as ``torchaudio.transforms.MelSpectrogram`` (HTK mels,
    Hann window), with its tables as non-persistent buffers: they are rebuilt
    from the config, so weights files hold only what training learned.
    """

    def __init__(self, config: ClassifierConfig) -> None:
        super().__init__()
        self.config = config
        self.register_buffer("window", torch.hann_window(config.win_length), persistent=False)
        filterbank = torchaudio.functional.melscale_fbanks(
            config.n_fft // 2 + 1, 20.0, config.sample_rate / 2, config.n_mels,
            config.sample_rate, norm=None, mel_scale="htk")
        self.register_buffer("filterbank", filterbank, persistent=False)

    def forward(self, waveform: Tensor) -> Tensor:
        c = self.config
        spec = torchaudio.functional.spectrogram(
            waveform, pad=0, window=self.window, n_fft=c.n_fft, hop_length=c.hop_length,
            win_length=c.win_length, power=2.0, normalized=False, center=False)
        power = torch.matmul(spec.transpose(-1, -2), self.filterbank).transpose(-1, -2)
        return (10.0 * torch.log10(power + _POWER_FLOOR)).unsqueeze(1)

    def band_edges_hz(self) -> Tensor:
        """``n_mels + 2`` HTK mel points (Hz): band ``i`` rises from edge ``i`` to its
        centre ``i + 1`` and falls to ``i + 2``; this places input rows on the spectrum."""
        c = self.config
        low, high = (2595.0 * torch.log10(torch.tensor(1.0 + f / 700.0))
                     for f in (20.0, c.sample_rate / 2))
        mels = torch.linspace(float(low), float(high), c.n_mels + 2)
        return 700.0 * (10.0 ** (mels / 2595.0) - 1.0)


def _conv_block(c_in: int, c_out: int, kernel: int, stride: tuple[int, int]) -> nn.Sequential:
    # Padding only along frequency: time stays unpadded so windows slice exactly.
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel, stride=stride, padding=(kernel // 2, 0), bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
    )


class WindowContext(nn.Module):
    """Window logits ``[b, windows, classes]`` -> the same re-scored from their neighbours.

    Reads the log-probabilities of ``radius`` windows either side (two convolutions
    over the window sequence) and adds a correction to each window's own logits; the
    correction starts at zero, so an untrained layer changes nothing.  Beyond the
    ends of a sequence the first and last windows are repeated.
    """

    def __init__(self, classes: int, radius: int, hidden: int) -> None:
        super().__init__()
        self.radius = radius
        self.reduce = nn.Conv1d(classes, hidden, 1)
        self.mix = nn.Conv1d(hidden, hidden, 2 * radius + 1)
        self.correct = nn.Conv1d(hidden, classes, 1)
        nn.init.zeros_(self.correct.weight)
        nn.init.zeros_(self.correct.bias)

    def forward(self, logits: Tensor, before: int | None = None,
                after: int | None = None) -> Tensor:
        """``before``/``after``: how many repeated edge windows to add on each side
        (default ``radius``: the sequence is whole).  The result has ``windows - 2 *
        radius + before + after`` windows: those whose neighbourhood is complete."""
        before = self.radius if before is None else before
        after = self.radius if after is None else after
        x = torch.log_softmax(logits.float(), dim=-1).transpose(1, 2)
        x = torch.relu(self.reduce(x))
        # Repeating the edge after the per-window `reduce` equals repeating the input window.
        x = nn.functional.pad(x, (before, after), mode="replicate") if before or after else x
        correction = self.correct(torch.relu(self.mix(x))).transpose(1, 2)
        own = logits[:, self.radius - before:logits.shape[1] - self.radius + after]
        return own + correction.to(own.dtype)


class AudioClassifierNet(nn.Module):
    """CNN: per-band input normalisation, five conv blocks, per-step embedding, pooled head.

    Input is log-mel dB from `LogMel`.  `forward` classifies 96-frame windows;
    `window_logits` classifies every window of a long log-mel in one pass.
    """

    def __init__(self, config: ClassifierConfig = ClassifierConfig()) -> None:
        super().__init__()
        self.config = config
        # Learned per-band scale and offset: the network sees levels (silence must
        # stay distinguishable from quiet noise), so no per-window normalisation.
        self.input_norm = nn.BatchNorm2d(config.n_mels)
        blocks, c_in = [], 1
        for c_out, k, ts, fs in zip(config.channels, _KERNELS, _TIME_STRIDES, _FREQ_STRIDES):
            blocks.append(_conv_block(c_in, c_out, k, (fs, ts)))
            c_in = c_out
        self.blocks = nn.Sequential(*blocks)
        bands = config.n_mels
        for fs in _FREQ_STRIDES:
            bands = (bands + fs - 1) // fs
        self.embed = nn.Sequential(nn.Conv1d(c_in * bands, config.embedding, 1),
                                   nn.ReLU(inplace=True))
        self.dropout = nn.Dropout(config.dropout)
        self.head = nn.Linear(self.feature_size, len(config.labels))
        self.steps_per_window = self._steps_for(config.window_frames)
        self.hop_steps = config.hop_frames // config.time_stride
        self.context = (WindowContext(len(config.labels), config.context_radius,
                                      config.context_hidden)
                        if config.context_radius > 0 else None)

    @property
    def feature_size(self) -> int:
        """Size of the penultimate features: mean and max of the embedding, and the window
        levels when the config asks for them."""
        return 2 * self.config.embedding + (LEVEL_FEATURES if self.config.level_input else 0)

    def window_levels(self, logmel: Tensor) -> Tensor:
        """Level features of every window of a log-mel ``[b, 1, mels, t]`` -> ``[b, windows,
        2]`` (windows laid out as in `window_logits`): the mean power over the window and a
        low percentile of its frames' power (dB, across all bands), scaled."""
        frame_db = 10.0 * torch.log10(torch.mean(10.0 ** (logmel[:, 0] / 10.0), dim=1)
                                      + _POWER_FLOOR)  # [b, t]
        c = self.config
        if frame_db.shape[-1] < c.window_frames:
            return frame_db.new_zeros(frame_db.shape[0], 0, LEVEL_FEATURES)
        frames = frame_db.unfold(-1, c.window_frames, c.hop_frames)  # [b, w, window_frames]
        mean_db = 10.0 * torch.log10(torch.mean(10.0 ** (frames / 10.0), dim=-1) + _POWER_FLOOR)
        low_db = torch.quantile(frames, _LEVEL_PERCENTILE, dim=-1)
        return (torch.stack([mean_db, low_db], dim=-1) + _LEVEL_OFFSET_DB) / _LEVEL_SCALE_DB

    def _with_levels(self, pooled: Tensor, logmel: Tensor) -> Tensor:
        """``pooled`` ``[b, windows, 2 * embedding]`` with the window levels appended when
        the config asks for them."""
        if not self.config.level_input:
            return pooled
        levels = self.window_levels(logmel)
        count = min(pooled.shape[1], levels.shape[1])
        return torch.cat([pooled[:, :count], levels[:, :count].to(pooled.dtype)], dim=-1)

    def _steps_for(self, frames: int) -> int:
        for k, s in zip(_KERNELS, _TIME_STRIDES):
            frames = (frames - k) // s + 1
        return frames

    def normalize(self, logmel: Tensor) -> Tensor:
        """Per-band normalised input: ``[b, 1, mels, t]`` -> same shape."""
        return self.input_norm(logmel.transpose(1, 2)).transpose(1, 2)

    def frame_features(self, logmel: Tensor) -> Tensor:
        """Embedding per feature step: ``[b, 1, mels, t]`` -> ``[b, embedding, steps]``."""
        maps = self.blocks(self.normalize(logmel))
        return self.embed(maps.flatten(1, 2))

    @staticmethod
    def _pool(steps: Tensor) -> Tensor:
        """``[..., embedding, steps_per_window]`` -> ``[..., 2 * embedding]``: what the
        head reads (the penultimate layer)."""
        return torch.cat([steps.mean(-1), steps.amax(-1)], dim=-1)

    def classify_pooled(self, pooled: Tensor) -> Tensor:
        """Penultimate features ``[..., feature_size]`` -> logits ``[..., classes]`` of
        each window alone (before the context layer)."""
        return self.head(self.dropout(pooled))

    def in_context(self, logits: Tensor) -> Tensor:
        """Logits ``[b, windows, classes]`` of whole window sequences, each window
        re-scored from its neighbours (unchanged without a context layer)."""
        return logits if self.context is None else self.context(logits)

    def context_logits(self, alone: Tensor, first: int, stop: int) -> Tensor:
        """Windows ``first .. stop`` of one whole sequence of lone-window logits
        ``alone`` ``[windows, classes]``, in context -> ``[stop - first, classes]``.

        Reads only the windows within ``context_radius`` of that range, so a growing
        sequence is re-scored where its new windows reach (task.WindowSequence)."""
        if self.context is None or stop <= first:
            return alone[first:stop]
        radius = self.context.radius
        low, high = max(0, first - radius), min(len(alone), stop + radius)
        return self.context(alone[low:high].unsqueeze(0), radius - (first - low),
                            radius - (high - stop))[0]

    def embedding(self, logmel: Tensor) -> Tensor:
        """Penultimate features ``[b, feature_size]`` of windows
        ``[b, 1, mels, frames >= window_frames]``: what the head classifies."""
        if logmel.shape[-1] < self.config.window_frames:
            raise ValueError(f"a window has {self.config.window_frames} frames, "
                             f"got {logmel.shape[-1]}")
        pooled = self._pool(self.frame_features(logmel)[..., :self.steps_per_window])
        return self._with_levels(pooled.unsqueeze(1),
                                 logmel[..., :self.config.window_frames])[:, 0]

    def forward(self, logmel: Tensor) -> Tensor:
        """Logits ``[b, classes]`` for windows ``[b, 1, mels, frames >= window_frames]``,
        each scored alone (the context layer, if any, sees it repeated on both sides).

        Only the first ``window_frames`` frames are read (the network's receptive field).
        """
        return self.in_context(self.classify_pooled(self.embedding(logmel)).unsqueeze(1))[:, 0]

    def window_embeddings(self, logmel: Tensor) -> Tensor:
        """Penultimate features of every window in a long log-mel ``[b, 1, mels, t]``
        -> ``[b, windows, feature_size]`` (windows laid out as in `window_logits`)."""
        features = self.frame_features(logmel)
        if features.shape[-1] < self.steps_per_window:
            return features.new_zeros(features.shape[0], 0, self.feature_size)
        windows = features.unfold(-1, self.steps_per_window, self.hop_steps)  # [b, e, w, s]
        return self._with_levels(self._pool(windows.transpose(1, 2)), logmel)

    def window_logits(self, logmel: Tensor) -> Tensor:
        """Logits of every window in a long log-mel ``[b, 1, mels, t]`` -> ``[b, windows, classes]``.

        Window ``w`` covers frames ``[w * hop_frames, w * hop_frames + window_frames)``;
        without a context layer the result equals `forward` on each window cut out on
        its own; with one, each window is re-scored from its neighbours.
        """
        return self.in_context(self.classify_pooled(self.window_embeddings(logmel)))

    def layer_outputs(self, logmel: Tensor) -> list[Tensor]:
        """The output of every conv block for one input, first layer first (for inspection)."""
        outputs, x = [], self.normalize(logmel)
        for block in self.blocks:
            x = block(x)
            outputs.append(x)
        return outputs


def window_count(samples: int, config: ClassifierConfig) -> int:
    """How many whole windows fit in ``samples`` samples."""
    if samples < config.window_samples:
        return 0
    return (samples - config.window_samples) // config.hop_samples + 1


ARCHITECTURE = "cnn-logmel-classifier"


class AudioClassifier(nn.Module):
    """The shipped model: `LogMel` front end plus `AudioClassifierNet`.

    ``forward`` maps mono windows ``[batch, window_samples]`` at the config's
    rate to logits ``[batch, classes]`` (the classify task's contract);
    `signal_window_logits` classifies every window of one long signal in a
    single pass.  Only ``net`` has weights.
    """

    def __init__(self, config: ClassifierConfig = ClassifierConfig(),
                 net: AudioClassifierNet | None = None) -> None:
        super().__init__()
        self.config = config
        self.logmel = LogMel(config)
        self.net = net if net is not None else AudioClassifierNet(config)

    def forward(self, windows: Tensor) -> Tensor:
        return self.net(self.logmel(windows))

    def signal_window_logits(self, signal: Tensor) -> Tensor:
        """Logits ``[windows, classes]`` of a mono signal ``[samples]``; window ``w``
        starts at sample ``w * config.hop_samples``; each in the context of the others."""
        alone = self.signal_window_outputs(signal)[0]
        return self.net.in_context(alone.unsqueeze(0))[0]

    def signal_window_outputs(self, signal: Tensor) -> tuple[Tensor, Tensor]:
        """Logits ``[windows, classes]`` of each window alone (before the context layer;
        `AudioClassifierNet.context_logits` adds it) and penultimate features ``[windows,
        feature_size]`` of a mono signal, in one pass (windows as `signal_window_logits`)."""
        pooled = self.net.window_embeddings(self.logmel(signal.unsqueeze(0)))[0]
        pooled = pooled[:window_count(signal.shape[-1], self.config)]
        return self.net.classify_pooled(pooled), pooled

    def embeddings(self, windows: Tensor) -> Tensor:
        """Penultimate features ``[batch, feature_size]`` of mono windows
        ``[batch, window_samples]`` (the classify task's optional contract)."""
        return self.net.embedding(self.logmel(windows))


def card_config(config: ClassifierConfig) -> dict:
    """What a model card's ``config`` holds for this architecture (window layout included)."""
    return {**config.to_json(), "window_s": config.window_s, "hop_s": config.hop_s}


def build_classifier(card) -> AudioClassifier:
    """The untrained model a zoo card describes (``card.architecture`` must be ours)."""
    if card.architecture != ARCHITECTURE:
        raise ValueError(f"unknown classifier architecture {card.architecture!r}; "
                         f"this version builds {ARCHITECTURE!r}")
    config = ClassifierConfig.from_json({**card.config, "labels": list(card.labels),
                                         "sample_rate": card.sample_rate})
    return AudioClassifier(config)

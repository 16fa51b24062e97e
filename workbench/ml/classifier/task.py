"""The "classify" task: class probabilities of sliding windows over long audio.

Inference for the shipped CNN classifier (workbench/ml/classifier/net.py,
architecture `cnn-logmel-classifier`): windows lie on a grid (start ``w *
hop``); a chunk of windows is scored from one stretch of samples in a single
pass (`AudioClassifier.signal_window_outputs`), and `WindowSequence` puts each
window in the context of its neighbours across chunks (with a context layer, the
last few windows are re-scored as the next chunk arrives), then applies the
card's level gate (`level_gate`: the labelling rule says what is quiet enough to
be silence).  Chunks are small enough that cancellation is seen within a second.  When the grid leaves the end
of the audio uncovered, one more window is laid flush with the end; audio
shorter than one window is looped to fill it (a class does not change by
repetition, while zero padding would add silence).  The task reads the audio a
chunk at a time (mixed to mono, resampled to the model's rate with a margin so
the resampler's edges fall outside the chunk) and yields the classification so
far after each chunk.

Any other architecture (built by `build_classifier(card)`) maps a batch of mono
windows at the card's sample rate, (batch, samples), to class logits,
(batch, classes).  The card gives the window length and hop in its config
(`window_s`, `hop_s`) and the class names in `labels`.  Windows are run
`batch_windows` at a time; after each batch the classification so far is
yielded as a Partial.

Looking inside the net (saliency, filters, feature maps) is in inspection.py.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Generator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from workbench.core.analysis.results import Classification
from workbench.core.jobs import CancelToken, Partial, Progress, TaskGenerator
from workbench.core.labels.class_segments import (
    DEFAULT_HYSTERESIS,
    Hysteresis,
    hysteresis_segments,
)
from workbench.ml.classifier import net as cnn_classifier
from workbench.ml.classifier.net import AudioClassifier, ClassifierConfig
from workbench.ml.tasks.audio import Audio, fit_length, frames_of, mono_at, read_frames
from workbench.ml.tasks.base import ModelProvider, ModelTaskSpec
from workbench.ml.zoo import ModelCard

# About a minute of audio per pass: long enough to amortise the call, short
# enough that cancelling is noticed within a second on a slow CPU.
CHUNK_WINDOWS = 256


@dataclass(frozen=True)
class WindowChunk:
    """Windows ``first .. first + count`` read samples ``[start, stop)`` at the model rate."""

    first: int
    count: int
    start: int
    stop: int


def window_starts(total_samples: int, config: ClassifierConfig) -> np.ndarray:
    """Start sample of every window: the regular grid, plus one flush with the end if needed."""
    grid = cnn_classifier.window_count(total_samples, config)
    starts = np.arange(grid, dtype=np.int64) * config.hop_samples
    covered = int(starts[-1]) + config.window_samples if grid else 0
    if total_samples > covered:
        starts = np.append(starts, max(0, total_samples - config.window_samples))
    return starts


def plan_chunks(total_samples: int, config: ClassifierConfig,
                chunk_windows: int = CHUNK_WINDOWS) -> list[WindowChunk]:
    """Chunks of grid windows, then the flush end window (if any) as its own chunk."""
    grid = cnn_classifier.window_count(total_samples, config)
    chunks = []
    for first in range(0, grid, chunk_windows):
        count = min(chunk_windows, grid - first)
        start = first * config.hop_samples
        chunks.append(WindowChunk(first, count, start,
                                  start + (count - 1) * config.hop_samples + config.window_samples))
    starts = window_starts(total_samples, config)
    if len(starts) > grid:
        start = int(starts[-1])
        chunks.append(WindowChunk(grid, 1, start, start + config.window_samples))
    return chunks


def fill_window(samples: np.ndarray, length: int) -> np.ndarray:
    """``samples`` looped (or cut) to exactly ``length`` (silence stays silence)."""
    if len(samples) == 0:
        return np.zeros(length, dtype=np.float32)
    reps = -(-length // len(samples))
    return np.tile(np.asarray(samples, dtype=np.float32), reps)[:length]


class WindowOutputs(NamedTuple):
    """What one pass over a chunk gives for each of its windows."""

    logits: np.ndarray  # [windows, classes], each window alone
    pooled: np.ndarray  # [windows, features], the penultimate features
    levels_db: np.ndarray  # [windows, 4], RMS levels in dBFS (`window_levels_db`)


def window_levels_db(signal: np.ndarray, config: ClassifierConfig, count: int) -> np.ndarray:
    """RMS levels (dBFS, about the mean) of the first ``count`` grid windows of ``signal``,
    ``[count, 4]``:
    the whole window; its central cell (the middle hop, the stretch of time the window's
    class stands for: a window is labelled with the class at its centre); its left part
    (from the start to the end of the central cell) and its right part (from the start of
    the central cell to the end)."""
    x = np.asarray(signal, np.float64)
    sums = np.concatenate([[0.0], np.cumsum(x)])
    energy = np.concatenate([[0.0], np.cumsum(x * x)])
    starts = np.arange(count) * config.hop_samples
    cell = (config.window_samples - config.hop_samples) // 2

    def level(offset: int, length: int) -> np.ndarray:
        first, stop = starts + offset, starts + offset + length
        mean = (sums[stop] - sums[first]) / length
        # A DC offset (a cheap converter's) is not sound: the level is the RMS about the mean.
        power = (energy[stop] - energy[first]) / length - mean * mean
        return 10.0 * np.log10(np.maximum(power, 0.0) + 1e-20)

    part = cell + config.hop_samples
    return np.stack([level(0, config.window_samples), level(cell, config.hop_samples),
                     level(0, part), level(config.window_samples - part, part)], axis=1)


def chunk_outputs(model: AudioClassifier, samples: np.ndarray,
                  device: torch.device | str = "cpu") -> WindowOutputs:
    """Logits ``[windows, classes]`` of each window alone, penultimate features
    ``[windows, features]`` and levels of a chunk's samples (from a window start), from
    one pass."""
    config = model.config
    signal = fill_window(samples, max(len(samples), config.window_samples))
    with torch.inference_mode():
        logits, pooled = model.signal_window_outputs(torch.from_numpy(signal).to(device))
    return WindowOutputs(logits.float().cpu().numpy(), pooled.float().cpu().numpy(),
                         window_levels_db(signal, config, len(logits)))


def gate_decisions(below):
    """Which windows the level gate decides, from ``levels_db < gate`` (``[..., 4]``
    booleans, numpy or torch): ``(quiet, loud)``, quiet ones can only be silence, loud ones
    anything but silence; where neither is set the network decides (see `level_gate`)."""
    whole, centre, left, right = below[..., 0], below[..., 1], below[..., 2], below[..., 3]
    loud = ~centre | (~left & ~right)
    # A loud centre in an otherwise quiet window still makes the whole window read quiet:
    # the centre decides (a window's class is the class at its centre).
    return whole & ~loud, loud


def level_gate(logits: torch.Tensor, levels_db: torch.Tensor,
               config: ClassifierConfig) -> torch.Tensor:
    """Logits ``[windows, classes]`` with the card's labelling rule applied by level
    (``levels_db`` from `window_levels_db`), ``config.silence_gate_dbfs`` the line between
    quiet and loud: a window quiet all through can only be silence; one whose central cell
    is loud, or whose left and right parts are both loud, can be anything but silence; a
    quiet part that holds the centre and reaches an edge (a window at the edge of a
    silence) is left to the network.  Unchanged without a gate or a "silence" class."""
    threshold = config.silence_gate_dbfs
    if threshold is None or "silence" not in config.labels:
        return logits
    is_silence = torch.arange(logits.shape[-1], device=logits.device) \
        == config.labels.index("silence")
    quiet, loud = gate_decisions(levels_db.to(logits.device) < threshold)
    return logits.masked_fill((quiet.unsqueeze(-1) & ~is_silence)
                              | (loud.unsqueeze(-1) & is_silence), float("-inf"))


class WindowSequence:
    """Lone-window outputs of a recording as they arrive -> class probabilities in context.

    With a context layer (net.WindowContext) a window's probabilities change until
    ``context_radius`` more windows have come; `add` re-scores just those, so a
    recording classified chunk by chunk (or live) ends with the same numbers as one
    classified whole.  Without one, each window's probabilities are its own softmax.
    The level gate (`level_gate`) comes last, window by window.
    """

    def __init__(self, classes: int) -> None:
        self.alone = np.zeros((0, classes), np.float32)
        self.levels_db = np.zeros((0, 4))
        self.probabilities = np.zeros((0, classes), np.float32)

    def add(self, model: AudioClassifier, outputs: WindowOutputs,
            device: torch.device | str = "cpu") -> np.ndarray:
        """Append windows' lone outputs (`chunk_outputs`); returns every window's
        probabilities so far (the state changes only once they are computed)."""
        radius = model.net.context.radius if model.net.context is not None else 0
        first = max(0, len(self.alone) - radius)
        everything = np.concatenate([self.alone, np.asarray(outputs.logits, np.float32)])
        levels = np.concatenate([self.levels_db, outputs.levels_db])
        # Only windows within `radius` of the re-scored ones go to the device.
        low = max(0, first - radius)
        with torch.inference_mode():
            logits = model.net.context_logits(torch.from_numpy(everything[low:]).to(device),
                                              first - low, len(everything) - low)
            logits = level_gate(logits.float(), torch.from_numpy(levels[first:]), model.config)
            fresh = torch.softmax(logits, dim=-1).cpu().numpy()
        self.alone, self.levels_db = everything, levels
        self.probabilities = np.concatenate([self.probabilities[:first], fresh])
        return self.probabilities


def chunk_probabilities(model: AudioClassifier, samples: np.ndarray,
                        device: torch.device | str = "cpu") -> np.ndarray:
    """Class probabilities ``[windows, classes]`` of a chunk's windows, as if the chunk
    were the whole recording."""
    sequence = WindowSequence(len(model.config.labels))
    return sequence.add(model, chunk_outputs(model, samples, device), device)


def classification_of(probabilities: np.ndarray, starts_samples: np.ndarray,
                      config: ClassifierConfig, total_samples: int, model: str = "",
                      device: str = "", rule: Hysteresis = DEFAULT_HYSTERESIS,
                      embeddings: np.ndarray | None = None) -> Classification:
    """A `Classification` (times from 0) with hysteresis-merged segments."""
    rate = config.sample_rate
    starts = np.asarray(starts_samples[:len(probabilities)], dtype=np.float64) / rate
    span = (0.0, total_samples / rate)
    segments = hysteresis_segments(probabilities, config.labels, starts, config.window_s,
                                   span, rule)
    return Classification(config.labels, config.hop_s, config.window_s, probabilities,
                          segments, model, device, 0.0, span, starts, embeddings)


def classify_signal(model: AudioClassifier, signal: np.ndarray, cancel: CancelToken,
                    chunk_windows: int = CHUNK_WINDOWS, rule: Hysteresis = DEFAULT_HYSTERESIS
                    ) -> Generator[Progress, None, Classification]:
    """Task body for a mono signal already at the model's rate (evaluation, tests)."""
    config = model.config
    sequence = WindowSequence(len(config.labels))
    for chunk in plan_chunks(len(signal), config, chunk_windows):
        cancel.check()
        sequence.add(model, chunk_outputs(model, signal[chunk.start:chunk.stop]))
        yield Progress(chunk.stop / max(1, len(signal)), "Classifying")
    return classification_of(sequence.probabilities, window_starts(len(signal), config),
                             config, len(signal), rule=rule)


# -- the CNN classifier's task body ----------------------------------------------------

# Resampling margin (seconds) read on both sides of a chunk and then cut away.
_MARGIN_S = 0.05


def model_rate_samples(audio: Audio, rate: int, model_rate: int, start: int, stop: int
                       ) -> np.ndarray:
    """Model-rate mono samples ``[start, stop)`` of audio stored at ``rate``."""
    if rate == model_rate:
        return mono_at(read_frames(audio, start, stop), rate, rate)
    margin = math.ceil(_MARGIN_S * rate)
    first = max(0, math.floor(start * rate / model_rate) - margin)
    last = math.ceil(stop * rate / model_rate) + margin
    signal = mono_at(read_frames(audio, first, last), rate, model_rate)
    skip = round(start - first * model_rate / rate)
    return fit_length(signal[skip:], stop - start).astype(np.float32)


def _hysteresis(params: dict) -> Hysteresis:
    default = Hysteresis()
    return Hysteresis(float(params.get("enter", default.enter)),
                      float(params.get("leave", default.leave)),
                      int(params.get("min_windows", default.min_windows)))


def cnn_classify(audio: Audio, sample_rate: int, params: dict, cancel: CancelToken,
                 model_provider: ModelProvider) -> TaskGenerator:
    """Task body: a Classification of ``audio`` (times from its start).

    params: ``chunk_windows`` (windows per pass), ``enter``, ``leave``,
    ``min_windows`` (the segment hysteresis, see core.labels.class_segments),
    ``embeddings`` (true: the result keeps each window's penultimate features).
    """
    card = model_provider.card
    config = ClassifierConfig.from_json({**card.config, "labels": list(card.labels),
                                         "sample_rate": card.sample_rate})
    total = math.floor(frames_of(audio) * config.sample_rate / sample_rate)
    chunks = plan_chunks(total, config, int(params.get("chunk_windows", CHUNK_WINDOWS)))
    starts, rule = window_starts(total, config), _hysteresis(params)
    sequence = WindowSequence(len(config.labels))
    features: list[np.ndarray] = []

    def step(model: AudioClassifier, device, samples: np.ndarray) -> np.ndarray:
        outputs = chunk_outputs(model, samples, device)
        sequence.add(model, outputs, device)
        return outputs.pooled

    for chunk in chunks:
        cancel.check()
        # Audio shorter than a window is read as it is and looped by chunk_outputs.
        samples = model_rate_samples(audio, sample_rate, config.sample_rate, chunk.start,
                                     min(chunk.stop, total))
        features.append((yield from model_provider.infer(
            lambda model, device, x=samples: step(model, device, x))))
        so_far = classification_of(sequence.probabilities, starts, config, total,
                                   model_provider.name, str(model_provider.device), rule)
        yield Partial(so_far)
        yield Progress(min(1.0, chunk.stop / max(1, total)),
                       f"Classifying: {min(total, chunk.stop) / config.sample_rate:.0f} of "
                       f"{total / config.sample_rate:.0f} s")
    if not features:
        # No audio at all: one looped (silent) window says what nothing sounds like.
        features.append((yield from model_provider.infer(
            lambda model, device: step(model, device, np.zeros(0, np.float32)))))
        starts = np.zeros(1, dtype=np.int64)
    embeddings = np.concatenate(features) if params.get("embeddings") else None
    return classification_of(sequence.probabilities, starts, config, total,
                             model_provider.name, str(model_provider.device), rule,
                             embeddings)


# -- the task -------------------------------------------------------------------------

CLASSIFIER_MODULE = "workbench.ml.classifier.net"
DEFAULT_WINDOW_S = 1.0
DEFAULT_HOP_S = 0.5
DEFAULT_BATCH_WINDOWS = 64


def build_classifier(card: ModelCard) -> nn.Module:
    """The classifier architecture the card names, from CLASSIFIER_MODULE."""
    try:
        module = importlib.import_module(CLASSIFIER_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != CLASSIFIER_MODULE:
            raise
        raise ValueError("this version of the workbench has no audio classifier "
                         "architecture yet") from None
    return module.build_classifier(card)


def window_layout(card: ModelCard) -> tuple[float, float]:
    """(window_s, hop_s) from the card's config."""
    window_s = float(card.config.get("window_s", DEFAULT_WINDOW_S))
    hop_s = float(card.config.get("hop_s", DEFAULT_HOP_S))
    if window_s <= 0 or hop_s <= 0:
        raise ValueError(f"window_s and hop_s must be positive, got {window_s} and {hop_s}")
    return window_s, hop_s


def window_count(total_s: float, window_s: float, hop_s: float) -> int:
    """Windows from 0 every `hop_s` until one reaches the end (at least one)."""
    return max(1, math.ceil(max(0.0, total_s - window_s) / hop_s - 1e-9) + 1)


def classify(audio: Audio, sample_rate: int, params: dict, cancel: CancelToken,
             model_provider: ModelProvider) -> TaskGenerator:
    """Task: a Classification of `audio` (times in seconds from its start).

    params: `batch_windows` (default 64; the CNN classifier takes `chunk_windows`),
    `embeddings` (true: keep each window's penultimate features, for a model that
    offers `embeddings(windows)`).
    """
    card = model_provider.card
    if card.architecture == cnn_classifier.ARCHITECTURE:
        return (yield from cnn_classify(audio, sample_rate, params, cancel, model_provider))
    labels = tuple(card.labels)
    window_s, hop_s = window_layout(card)
    total_s = frames_of(audio) / sample_rate
    count = window_count(total_s, window_s, hop_s)
    batch = max(1, int(params.get("batch_windows", DEFAULT_BATCH_WINDOWS)))
    rows: list[np.ndarray] = []
    features: list[np.ndarray] = []
    for first in range(0, count, batch):
        cancel.check()
        n = min(batch, count - first)
        windows = _windows(audio, sample_rate, card.sample_rate, first, n, window_s, hop_s)
        probs, pooled = yield from model_provider.infer(
            lambda model, device, x=windows: _window_outputs(model, device, x,
                                                            bool(params.get("embeddings"))))
        rows.append(probs)
        features.append(pooled)
        yield Partial(_result(np.concatenate(rows), labels, window_s, hop_s, total_s,
                              model_provider))
        yield Progress((first + n) / count, f"Classifying: {min(total_s, (first + n) * hop_s):.0f} "
                                            f"of {total_s:.0f} s")
    embeddings = np.concatenate(features) if all(f is not None for f in features) else None
    return _result(np.concatenate(rows), labels, window_s, hop_s, total_s, model_provider,
                   embeddings)


def _window_outputs(model: nn.Module, device, windows: np.ndarray, embeddings: bool
                    ) -> tuple[np.ndarray, np.ndarray | None]:
    """Probabilities of a batch of windows, and their penultimate features when asked
    for and the model offers them (None otherwise)."""
    x = torch.from_numpy(windows).to(device)
    probs = torch.softmax(model(x).float(), dim=-1).cpu().numpy()
    if not (embeddings and hasattr(model, "embeddings")):
        return probs, None
    return probs, model.embeddings(x).float().cpu().numpy()


def _windows(audio: Audio, rate: int, model_rate: int, first: int, n: int, window_s: float,
             hop_s: float) -> np.ndarray:
    """Windows first..first+n as a (n, samples) float32 batch at the model's rate."""
    start = round(first * hop_s * rate)
    stop = round(((first + n - 1) * hop_s + window_s) * rate)
    signal = mono_at(read_frames(audio, start, stop), rate, model_rate)
    width = round(window_s * model_rate)
    signal = fit_length(signal, round((n - 1) * hop_s * model_rate) + width)
    offsets = [round(i * hop_s * model_rate) for i in range(n)]
    return np.stack([signal[o:o + width] for o in offsets]).astype(np.float32)


def _result(probs: np.ndarray, labels: tuple[str, ...], window_s: float, hop_s: float,
            total_s: float, provider: ModelProvider,
            embeddings: np.ndarray | None = None) -> Classification:
    starts = np.arange(len(probs)) * hop_s
    span = (0.0, total_s)
    segments = hysteresis_segments(probs, labels, starts, window_s, span)
    return Classification(labels, hop_s, window_s, probs, segments, provider.name,
                          str(provider.device), 0.0, span, starts, embeddings)


SPEC = ModelTaskSpec(kind="classify", zoo_task="audio-classification", family="classifier",
                     build_model=build_classifier, run=classify)

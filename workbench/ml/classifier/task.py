"""The "classify" task: class probabilities of sliding windows over long audio.

The classifier net (workbench/ml/nets/audio_classifier.py, built by
`build_classifier(card)`) maps a batch of mono windows at the card's sample
rate, (batch, samples), to class logits, (batch, classes).  The card gives
the window length and hop in its config (`window_s`, `hop_s`) and the class
names in `labels`.  Windows are run `batch_windows` at a time; after each
batch the classification so far is yielded as a Partial.
"""

from __future__ import annotations

import importlib
import math

import numpy as np
import torch
from torch import nn

from workbench.core.analysis import Classification
from workbench.core.class_segments import hysteresis_segments
from workbench.core.jobs import CancelToken, Partial, Progress, TaskGenerator
from workbench.ml.nets import audio_classifier as cnn_classifier
from workbench.ml.tasks.audio import Audio, fit_length, frames_of, mono_at, read_frames
from workbench.ml.tasks.base import ModelProvider, ModelTaskSpec
from workbench.ml.tasks.cnn_classify import cnn_classify
from workbench.ml.zoo import ModelCard

CLASSIFIER_MODULE = "workbench.ml.nets.audio_classifier"
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

    params: `batch_windows` (default 64; the CNN classifier takes `chunk_windows`).
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
    for first in range(0, count, batch):
        cancel.check()
        n = min(batch, count - first)
        windows = _windows(audio, sample_rate, card.sample_rate, first, n, window_s, hop_s)
        probs = yield from model_provider.infer(
            lambda model, device, x=windows: torch.softmax(
                model(torch.from_numpy(x).to(device)).float(), dim=-1).cpu().numpy())
        rows.append(probs)
        yield Partial(_result(np.concatenate(rows), labels, window_s, hop_s, total_s,
                              model_provider))
        yield Progress((first + n) / count, f"Classifying: {min(total_s, (first + n) * hop_s):.0f} "
                                            f"of {total_s:.0f} s")
    return _result(np.concatenate(rows), labels, window_s, hop_s, total_s, model_provider)


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
            total_s: float, provider: ModelProvider) -> Classification:
    starts = np.arange(len(probs)) * hop_s
    span = (0.0, total_s)
    segments = hysteresis_segments(probs, labels, starts, window_s, span)
    return Classification(labels, hop_s, window_s, probs, segments, provider.name,
                          str(provider.device), 0.0, span, starts)


SPEC = ModelTaskSpec(kind="classify", zoo_task="audio-classification", family="classifier",
                     build_model=build_classifier, run=classify)

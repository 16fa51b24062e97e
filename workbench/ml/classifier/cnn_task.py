"""The classify task for the CNN classifier: one pass per chunk of windows.

Reads the audio a chunk at a time (mixed to mono, resampled to the model's
rate with a margin so the resampler's edges fall outside the chunk), runs the
whole chunk through `AudioClassifier.signal_window_logits` and yields the
classification so far after each chunk.
"""

from __future__ import annotations

import math

import numpy as np

from workbench.core.class_segments import Hysteresis
from workbench.core.jobs import CancelToken, Partial, Progress, TaskGenerator
from workbench.ml.classify import (
    CHUNK_WINDOWS,
    chunk_probabilities,
    classification_of,
    plan_chunks,
    window_starts,
)
from workbench.ml.nets.audio_classifier import ClassifierConfig
from workbench.ml.tasks.audio import Audio, fit_length, frames_of, mono_at, read_frames
from workbench.ml.tasks.base import ModelProvider

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
    ``min_windows`` (the segment hysteresis, see core.class_segments).
    """
    card = model_provider.card
    config = ClassifierConfig.from_json({**card.config, "labels": list(card.labels),
                                         "sample_rate": card.sample_rate})
    total = math.floor(frames_of(audio) * config.sample_rate / sample_rate)
    chunks = plan_chunks(total, config, int(params.get("chunk_windows", CHUNK_WINDOWS)))
    starts, rule = window_starts(total, config), _hysteresis(params)
    rows: list[np.ndarray] = []
    for chunk in chunks:
        cancel.check()
        # Audio shorter than a window is read as it is and looped by chunk_probabilities.
        samples = model_rate_samples(audio, sample_rate, config.sample_rate, chunk.start,
                                     min(chunk.stop, total))
        probs = yield from model_provider.infer(
            lambda model, device, x=samples: chunk_probabilities(model, x, device))
        rows.append(probs)
        so_far = classification_of(np.concatenate(rows), starts, config, total,
                                   model_provider.name, str(model_provider.device), rule)
        yield Partial(so_far)
        yield Progress(min(1.0, chunk.stop / max(1, total)),
                       f"Classifying: {min(total, chunk.stop) / config.sample_rate:.0f} of "
                       f"{total / config.sample_rate:.0f} s")
    if not rows:
        # No audio at all: one looped (silent) window says what nothing sounds like.
        rows.append((yield from model_provider.infer(
            lambda model, device: chunk_probabilities(model, np.zeros(0, np.float32), device))))
        starts = np.zeros(1, dtype=np.int64)
    return classification_of(np.concatenate(rows), starts, config, total,
                             model_provider.name, str(model_provider.device), rule)

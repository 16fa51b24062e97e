"""Running the sound-class CNN over recordings of any length, and looking inside it.

Inference: windows lie on a grid (start ``w * hop``); a chunk of windows is
classified from one stretch of samples in a single pass
(`AudioClassifier.signal_window_logits`), chunks are small enough that
cancellation is seen within a second.  When the grid leaves the end of the
audio uncovered, one more window is laid flush with the end; audio shorter
than one window is looped to fill it (a class does not change by repetition,
while zero padding would add silence).

Inspection, for one window of a model in eval mode (as loaded; the model is
shared between jobs, so nothing here switches its mode): `saliency` (input
gradient times input above the window's background level, per mel band and
frame), `first_layer_filters` and `feature_maps`.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import numpy as np
import torch

from workbench.core.analysis import Classification
from workbench.core.class_segments import DEFAULT_HYSTERESIS, Hysteresis, hysteresis_segments
from workbench.core.jobs import CancelToken, Progress
from workbench.ml.nets.audio_classifier import AudioClassifier, ClassifierConfig, window_count

# About a minute of audio per pass: long enough to amortise the call, short
# enough that cancelling is noticed within a second on a slow CPU.
CHUNK_WINDOWS = 256
# Saliency measures input from the window's background: this quantile of its log-mel cells.
BACKGROUND_QUANTILE = 0.1


@dataclass(frozen=True)
class WindowChunk:
    """Windows ``first .. first + count`` read samples ``[start, stop)`` at the model rate."""

    first: int
    count: int
    start: int
    stop: int


def window_starts(total_samples: int, config: ClassifierConfig) -> np.ndarray:
    """Start sample of every window: the regular grid, plus one flush with the end if needed."""
    grid = window_count(total_samples, config)
    starts = np.arange(grid, dtype=np.int64) * config.hop_samples
    covered = int(starts[-1]) + config.window_samples if grid else 0
    if total_samples > covered:
        starts = np.append(starts, max(0, total_samples - config.window_samples))
    return starts


def plan_chunks(total_samples: int, config: ClassifierConfig,
                chunk_windows: int = CHUNK_WINDOWS) -> list[WindowChunk]:
    """Chunks of grid windows, then the flush end window (if any) as its own chunk."""
    grid = window_count(total_samples, config)
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


def chunk_probabilities(model: AudioClassifier, samples: np.ndarray,
                        device: torch.device | str = "cpu") -> np.ndarray:
    """Class probabilities ``[windows, classes]`` of a chunk's samples (from a window start)."""
    config = model.config
    signal = fill_window(samples, max(len(samples), config.window_samples))
    with torch.inference_mode():
        logits = model.signal_window_logits(torch.from_numpy(signal).to(device))
        return torch.softmax(logits.float(), dim=-1).cpu().numpy()


def classification_of(probabilities: np.ndarray, starts_samples: np.ndarray,
                      config: ClassifierConfig, total_samples: int, model: str = "",
                      device: str = "", rule: Hysteresis = DEFAULT_HYSTERESIS) -> Classification:
    """A `Classification` (times from 0) with hysteresis-merged segments."""
    rate = config.sample_rate
    starts = np.asarray(starts_samples[:len(probabilities)], dtype=np.float64) / rate
    span = (0.0, total_samples / rate)
    segments = hysteresis_segments(probabilities, config.labels, starts, config.window_s,
                                   span, rule)
    return Classification(config.labels, config.hop_s, config.window_s, probabilities,
                          segments, model, device, 0.0, span, starts)


def classify_signal(model: AudioClassifier, signal: np.ndarray, cancel: CancelToken,
                    chunk_windows: int = CHUNK_WINDOWS, rule: Hysteresis = DEFAULT_HYSTERESIS
                    ) -> Generator[Progress, None, Classification]:
    """Task body for a mono signal already at the model's rate (evaluation, tests)."""
    config = model.config
    chunks = plan_chunks(len(signal), config, chunk_windows)
    rows = []
    for chunk in chunks:
        cancel.check()
        rows.append(chunk_probabilities(model, signal[chunk.start:chunk.stop]))
        yield Progress(chunk.stop / max(1, len(signal)), "Classifying")
    probs = np.concatenate(rows) if rows else np.zeros((0, len(config.labels)), np.float32)
    return classification_of(probs, window_starts(len(signal), config), config, len(signal),
                             rule=rule)


# -- inspection -------------------------------------------------------------------------

def _model_device(model: AudioClassifier) -> torch.device:
    return next(model.parameters()).device


def _on_model_device(model: AudioClassifier, samples: np.ndarray) -> torch.Tensor:
    """One window as a ``[1, samples]`` tensor where the model's weights are."""
    return torch.from_numpy(samples)[None].to(_model_device(model))


@dataclass(frozen=True, eq=False)
class WindowView:
    """One window's input as the network sees it.

    ``logmel``: dB ``[n_mels, frames]``; ``band_edges_hz``: ``n_mels + 2`` mel points
    (row ``i`` is centred on ``band_edges_hz[i + 1]``); ``frame_times``: start of
    each frame in seconds from the window start; ``frame_s``: one frame's hop.
    """

    logmel: np.ndarray
    band_edges_hz: np.ndarray
    frame_times: np.ndarray
    frame_s: float


def window_view(model: AudioClassifier, window: np.ndarray) -> WindowView:
    """The log-mel input of one window of samples (looped if shorter than a window)."""
    config = model.config
    samples = fill_window(window, config.window_samples)
    with torch.inference_mode():
        logmel = model.logmel(_on_model_device(model, samples))[0, 0].cpu().numpy()
    frames = np.arange(logmel.shape[1]) * config.hop_length / config.sample_rate
    return WindowView(logmel, model.logmel.band_edges_hz().cpu().numpy(), frames,
                      config.hop_length / config.sample_rate)


def saliency(model: AudioClassifier, window: np.ndarray, label: str | int) -> np.ndarray:
    """How much each mel band and frame pushed the window towards ``label``.

    Gradient of the class logit times the input measured from the window's
    background (the 10 % quantile of its log-mel cells): a cell at the
    background level counts as no evidence, so steady room tone spread over
    every band does not bury the sound that decided.  ``[n_mels, frames]``, the
    shape of `window_view`'s ``logmel``; positive is evidence for the class.
    """
    index = model.config.labels.index(label) if isinstance(label, str) else int(label)
    samples = fill_window(window, model.config.window_samples)
    # Callers may sit inside inference mode (the model tasks do); gradients need it off.
    with torch.inference_mode(False), torch.enable_grad():
        logmel = model.logmel(_on_model_device(model, samples)).detach().requires_grad_(True)
        # The logit, not the probability: a confident window would saturate the softmax.
        score = model.net(logmel)[0, index]
        (gradient,) = torch.autograd.grad(score, logmel)
    inputs = logmel.detach()
    background = torch.quantile(inputs, BACKGROUND_QUANTILE)
    return (gradient * (inputs - background))[0, 0].cpu().numpy()


def first_layer_filters(model: AudioClassifier) -> np.ndarray:
    """The first convolution's kernels ``[filters, freq taps, time taps]``."""
    return model.net.blocks[0][0].weight.detach()[:, 0].cpu().numpy().copy()


def feature_maps(model: AudioClassifier, window: np.ndarray) -> list[np.ndarray]:
    """Each conv block's output for one window, ``[channels, bands, steps]`` per layer."""
    samples = fill_window(window, model.config.window_samples)
    with torch.inference_mode():
        logmel = model.logmel(_on_model_device(model, samples))
        return [m[0].cpu().numpy() for m in model.net.layer_outputs(logmel)]


def window_probabilities(model: AudioClassifier, window: np.ndarray) -> np.ndarray:
    """Class probabilities ``[classes]`` of one window."""
    samples = fill_window(window, model.config.window_samples)
    return chunk_probabilities(model, samples, _model_device(model))[0]



@dataclass(frozen=True, eq=False)
class WindowInspection:
    """Everything the inspector shows for one window (numpy only, safe to hand to the GUI).

    ``start_s``: where the window starts in the document; ``view``: its log-mel input;
    ``probabilities``: per class (``labels`` order); ``saliency``: for ``label``, the
    shape of ``view.logmel``; ``filters``: first-layer kernels; ``feature_maps``: each
    conv block's output ``[channels, bands, steps]``.
    """

    start_s: float
    window_s: float
    labels: tuple[str, ...]
    label: str
    view: WindowView
    probabilities: np.ndarray
    saliency: np.ndarray
    filters: np.ndarray
    feature_maps: list[np.ndarray]


def inspect_window(model: AudioClassifier, window: np.ndarray, label: str | None,
                   start_s: float = 0.0) -> WindowInspection:
    """Inspect one window of model-rate samples; ``label`` None means the most likely class."""
    probabilities = window_probabilities(model, window)
    labels = tuple(model.config.labels)
    chosen = labels[int(np.argmax(probabilities))] if label is None else label
    return WindowInspection(start_s, model.config.window_s, labels, chosen,
                            window_view(model, window), probabilities,
                            saliency(model, window, chosen), first_layer_filters(model),
                            feature_maps(model, window))

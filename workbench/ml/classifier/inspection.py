"""Looking inside the sound-class CNN, one window at a time.

For one window of a model in eval mode (as loaded; the model is shared between
jobs, so nothing here switches its mode): `saliency` (input gradient times input
above the window's background level, per mel band and frame),
`first_layer_filters` and `feature_maps`; `inspect_window` gathers them all.
Running the net over whole recordings is the task's job (task.py).  A window is
inspected on its own: with a context layer (net.WindowContext) its timeline
class also weighs its neighbours, while here it sees only itself, repeated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from workbench.ml.classifier.net import AudioClassifier
from workbench.ml.classifier.task import (
    chunk_probabilities,
    fill_window,
    gate_decisions,
    window_levels_db,
)

# Saliency measures input from the window's background: this quantile of its log-mel cells.
BACKGROUND_QUANTILE = 0.1


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
    conv block's output ``[channels, bands, steps]``; ``levels_db``: the window's RMS
    levels (dBFS: whole, central cell, left and right parts, `task.window_levels_db`);
    ``gate_dbfs``: the card's level gate (None: none), which decides silence by those
    levels after the network (`task.level_gate`); ``gate_verdict``: what it decided here,
    "silence", "not silence" or "network" (None without a gate).
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
    levels_db: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0)
    gate_dbfs: float | None = None
    gate_verdict: str | None = None


def inspect_window(model: AudioClassifier, window: np.ndarray, label: str | None,
                   start_s: float = 0.0) -> WindowInspection:
    """Inspect one window of model-rate samples; ``label`` None means the most likely class."""
    probabilities = window_probabilities(model, window)
    labels = tuple(model.config.labels)
    chosen = labels[int(np.argmax(probabilities))] if label is None else label
    levels = window_levels_db(fill_window(window, model.config.window_samples),
                              model.config, 1)[0]
    gate = model.config.silence_gate_dbfs if "silence" in labels else None
    return WindowInspection(start_s, model.config.window_s, labels, chosen,
                            window_view(model, window), probabilities,
                            saliency(model, window, chosen), first_layer_filters(model),
                            feature_maps(model, window), tuple(map(float, levels)), gate,
                            None if gate is None else _verdict(levels < gate))


def _verdict(below: np.ndarray) -> str:
    quiet, loud = gate_decisions(below)
    return "silence" if quiet else "not silence" if loud else "network"

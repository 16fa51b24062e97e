"""The classifier's context layer (net.WindowContext), trained after the CNN with the CNN frozen.

Within one 0.91 s window a held note can look like a steady tone, and a keyboard
click like a consonant; what comes before and after tells them apart.  The layer
learns that from window sequences: the training clips are strung into recordings
(classes one after another, never the same twice in a row, pieces of 1-6 s at the
random levels of `WindowSampler`, meeting with 5 ms fades), the frozen CNN scores
every window of them once, and only the layer is trained, on every window's
class at its centre.  It reads class log-probabilities only (not the CNN's
features), which was what generalized to families the CNN never heard (issue 14,
family validation; see the model card).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from workbench.ml.classifier.net import AudioClassifier, WindowContext
from workbench.training.classifier.dataset import WindowSampler
from workbench.training.classifier.recipe import CLASSES
from workbench.training.synth.arrays import fade

SEGMENTS_PER_RECORDING = 8
PIECE_SECONDS = (1.0, 6.0)
SEQUENCE_WINDOWS = 96  # windows per training sequence (about 23 s)
BATCH_SEQUENCES = 32
VALIDATION_RECORDINGS = 60
_FADE_S = 0.005


def with_context(model: AudioClassifier, radius: int, hidden: int) -> AudioClassifier:
    """``model`` (its CNN shared, not copied) with a fresh context layer, which changes
    nothing until it is trained."""
    config = dataclasses.replace(model.config, context_radius=radius, context_hidden=hidden)
    net = model.net
    net.config = config
    net.context = WindowContext(len(config.labels), radius, hidden)
    return AudioClassifier(config, net)


def training_recording(sampler: WindowSampler, rng: np.random.Generator
                       ) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """Mono audio strung from ``sampler``'s clips and its segments ``(start, end, label)``."""
    rate = sampler.clips.sample_rate
    pieces, segments, time, previous = [], [], 0.0, None
    for _ in range(SEGMENTS_PER_RECORDING):
        label = str(rng.choice([c for c in CLASSES if c != previous]))
        length = int(rng.uniform(*PIECE_SECONDS) * rate)
        pieces.append(fade(sampler.piece(rng, label, length), rate, _FADE_S, _FADE_S))
        segments.append((time, time + length / rate, label))
        time, previous = time + length / rate, label
    return np.clip(np.concatenate(pieces), -1.0, 1.0).astype(np.float32), segments


def centre_labels(segments: list[tuple[float, float, str]], starts_s: np.ndarray,
                  window_s: float) -> np.ndarray:
    """Class index at each window's centre."""
    centres = starts_s + window_s / 2
    labels = np.zeros(len(starts_s), dtype=np.int64)
    for start, end, label in segments:
        labels[(centres >= start) & (centres < end)] = CLASSES.index(label)
    return labels


@torch.no_grad()  # not inference mode: the logits feed the layer's training graph
def scored_recordings(model: AudioClassifier, sampler: WindowSampler, rng: np.random.Generator,
                      count: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """``count`` recordings as (lone-window logits ``[windows, classes]``, labels ``[windows]``)."""
    config = model.config
    out = []
    for _ in range(count):
        audio, segments = training_recording(sampler, rng)
        logits = model.signal_window_outputs(torch.from_numpy(audio))[0].float()
        starts = np.arange(len(logits)) * config.hop_s
        out.append((logits, torch.from_numpy(centre_labels(segments, starts, config.window_s))))
    return out


def _batch(data, order: np.ndarray, rng: np.random.Generator
           ) -> tuple[torch.Tensor, torch.Tensor]:
    """A random stretch of ``SEQUENCE_WINDOWS`` windows from each chosen recording."""
    stretches = []
    for index in order:
        logits, labels = data[index]
        start = int(rng.integers(0, max(1, len(logits) - SEQUENCE_WINDOWS + 1)))
        stretches.append((logits[start:start + SEQUENCE_WINDOWS],
                          labels[start:start + SEQUENCE_WINDOWS]))
    shortest = min(len(s[0]) for s in stretches)
    return (torch.stack([s[0][:shortest] for s in stretches]),
            torch.stack([s[1][:shortest] for s in stretches]))


@torch.inference_mode()
def sequence_accuracy(context: WindowContext | None,
                      data: list[tuple[torch.Tensor, torch.Tensor]]) -> float:
    """Window accuracy over whole recordings, in context (``None``: each window alone)."""
    hits = total = 0
    for logits, labels in data:
        scored = logits if context is None else context(logits[None])[0]
        hits += int((scored.argmax(-1) == labels).sum())
        total += len(labels)
    return hits / max(1, total)


def train_context(model: AudioClassifier, train: WindowSampler, val: WindowSampler,
                  recordings: int, epochs: int, seed: int, learning_rate: float = 2e-3,
                  label_smoothing: float = 0.05,
                  log: Callable[[str], None] = print) -> list[dict]:
    """Train ``model.net.context`` (the CNN stays frozen) on ``recordings`` strung from
    ``train``'s clips; returns the history (loss, validation accuracy alone and in context)."""
    context = model.net.context
    model.eval()
    data = scored_recordings(model, train, np.random.default_rng([seed, 4747]), recordings)
    val_data = scored_recordings(model, val, np.random.default_rng([seed, 4949]),
                                 VALIDATION_RECORDINGS)
    alone = sequence_accuracy(None, val_data)
    log(f"context layer: {recordings} recordings scored; validation accuracy alone {alone:.4f}")
    optimiser = torch.optim.AdamW(context.parameters(), lr=learning_rate, weight_decay=1e-3)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=label_smoothing)
    rng = np.random.default_rng([seed, 4848])
    history = []
    for epoch in range(epochs):
        context.train()
        order, losses = rng.permutation(len(data)), []
        for first in range(0, len(order), BATCH_SEQUENCES):
            logits, labels = _batch(data, order[first:first + BATCH_SEQUENCES], rng)
            loss = loss_fn(context(logits).reshape(-1, logits.shape[-1]), labels.reshape(-1))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            losses.append(float(loss.detach()))
        context.eval()
        accuracy = sequence_accuracy(context, val_data)
        history.append({"epoch": epoch + 1, "loss": float(np.mean(losses)),
                        "val_accuracy_alone": alone, "val_accuracy": accuracy})
        log(f"context epoch {epoch + 1}/{epochs}: loss {np.mean(losses):.4f}, validation "
            f"accuracy in context {accuracy:.4f}")
    return history

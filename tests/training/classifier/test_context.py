"""Training the classifier's context layer: recordings strung from clips, the CNN frozen."""

import numpy as np
import pytest
import torch

from workbench.ml.classifier.net import AudioClassifier, ClassifierConfig
from workbench.training.classifier.context import (
    PIECE_SECONDS,
    centre_labels,
    train_context,
    training_recording,
    with_context,
)
from workbench.training.classifier.dataset import ClipSet, WindowSampler
from workbench.training.classifier.recipe import CLASSES

RATE = 16000


def clip_set(seed: int, clips: int = 3, seconds: float = 6.0) -> ClipSet:
    """Plainly different sounds per class: enough for a layer to learn from a random CNN."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    makers = {
        "speech": lambda: rng.standard_normal(len(t)) * (np.sin(2 * np.pi * 4 * t) > 0),
        "music": lambda: sum(np.sin(2 * np.pi * f * t) for f in rng.uniform(200, 800, 3)),
        "noise": lambda: rng.standard_normal(len(t)),
        "tone": lambda: np.sin(2 * np.pi * rng.uniform(300, 3000) * t),
        "silence": lambda: rng.standard_normal(len(t)) * 1e-4,
    }
    audio = {label: np.stack([makers[label]() for _ in range(clips)]).astype(np.float16)
             for label in CLASSES}
    return ClipSet(audio, {label: ["test"] * clips for label in CLASSES}, RATE)


def test_training_recordings_string_pieces_of_changing_classes():
    sampler = WindowSampler(clip_set(0), 14592)
    audio, segments = training_recording(sampler, np.random.default_rng(1))
    assert len(segments) == 8
    assert all(a[2] != b[2] for a, b in zip(segments, segments[1:]))
    lengths = [end - start for start, end, _ in segments]
    assert all(PIECE_SECONDS[0] - 1e-3 <= s <= PIECE_SECONDS[1] for s in lengths)
    assert len(audio) / RATE == pytest.approx(segments[-1][1], abs=1e-3)
    starts = np.array([0.0, segments[1][0] - 0.3])
    labels = centre_labels(segments, starts, 0.91)
    # A window is labelled with the class at its centre (0.455 s after its start).
    assert labels[0] == CLASSES.index(segments[0][2])
    assert labels[1] == CLASSES.index(segments[1][2])


def half_trained_cnn(sampler: WindowSampler) -> AudioClassifier:
    """A tiny CNN after 20 steps: right about two windows in three on its own."""
    torch.manual_seed(0)
    model = AudioClassifier(ClassifierConfig(channels=(4, 4, 4, 4, 4), embedding=8))
    optimiser = torch.optim.Adam(model.parameters(), 1e-2)
    rng = np.random.default_rng(0)
    for _ in range(20):
        windows, labels = sampler.batch(rng, 16)
        loss = torch.nn.functional.cross_entropy(model(torch.from_numpy(windows)),
                                                 torch.from_numpy(labels))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return model


def test_the_context_layer_learns_and_the_cnn_stays_as_it_was():
    train = WindowSampler(clip_set(1), 14592)
    model = half_trained_cnn(train)
    cnn_before = {k: v.clone() for k, v in model.net.state_dict().items()}
    model = with_context(model, radius=2, hidden=8)
    history = train_context(model, train, WindowSampler(clip_set(2), 14592), recordings=24,
                            epochs=30, seed=1, learning_rate=1e-2, log=lambda m: None)
    after = model.net.state_dict()
    assert all(torch.equal(v, after[k]) for k, v in cnn_before.items())
    assert model.config.context_radius == 2 and model.net.config.context_radius == 2
    assert history[-1]["loss"] < history[0]["loss"]
    # Neighbours mostly share a class: read in context, more windows are right.
    assert history[-1]["val_accuracy"] > history[-1]["val_accuracy_alone"] + 0.05

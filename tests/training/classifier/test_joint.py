"""Fine-tuning the classifier's CNN and context layer together on window sequences."""

import copy

import numpy as np
import pytest
import torch

from tests.training.classifier.test_context import clip_set, half_trained_cnn
from workbench.ml.classifier.net import AudioClassifier, ClassifierConfig
from workbench.training.classifier import joint
from workbench.training.classifier.context import train_context, with_context
from workbench.training.classifier.dataset import WindowSampler


def cnn_in_context(seed: int = 1):
    train = WindowSampler(clip_set(seed), 14592)
    model = with_context(half_trained_cnn(train), radius=2, hidden=8)
    train_context(model, train, WindowSampler(clip_set(2), 14592), recordings=12, epochs=5,
                  seed=1, learning_rate=1e-2, log=lambda m: None)
    return model, train, WindowSampler(clip_set(2), 14592)


def _statistics(model) -> dict:
    return {k: v.clone() for k, v in model.net.state_dict().items() if "running" in k}


def test_joint_fine_tuning_trains_cnn_and_layer_and_keeps_batch_norm_statistics(
        tmp_path, monkeypatch):
    monkeypatch.setattr(joint, "SAVE_EVERY", 10)
    monkeypatch.setattr(joint, "VALIDATION_RECORDINGS", 6)
    model, train, val = cnn_in_context()
    before = {k: v.clone() for k, v in model.net.state_dict().items()}
    history = joint.finetune_jointly(model, train, val, steps=40, seed=1,
                                     state_path=tmp_path / "joint.pt", learning_rate=1e-2,
                                     log=lambda m: None)
    after = model.net.state_dict()
    assert [h["step"] for h in history] == [10, 20, 30, 40]
    assert history[-1]["loss"] < history[0]["loss"]
    assert not torch.equal(before["blocks.0.0.weight"], after["blocks.0.0.weight"])
    assert not torch.equal(before["context.correct.weight"], after["context.correct.weight"])
    # Batch norm keeps the statistics of the CNN's own training.
    assert all(torch.equal(v, after[k]) for k, v in before.items() if "running" in k)
    assert not model.net.training
    assert history[-1]["val_accuracy"] >= history[-1]["val_accuracy_alone"]
    assert history[-1]["training_s"] > 0


def test_an_interrupted_joint_run_resumes_where_it_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(joint, "SAVE_EVERY", 3)
    monkeypatch.setattr(joint, "VALIDATION_RECORDINGS", 2)
    start, train, val = cnn_in_context()
    whole = copy.deepcopy(start)
    joint.finetune_jointly(whole, train, val, steps=6, seed=1, state_path=tmp_path / "a.pt",
                           learning_rate=1e-2, log=lambda m: None)

    def stop_before_the_second_save(message: str) -> None:
        if "step 6/6" in message:
            raise KeyboardInterrupt

    broken = copy.deepcopy(start)
    with pytest.raises(KeyboardInterrupt):
        joint.finetune_jointly(broken, train, val, steps=6, seed=1,
                               state_path=tmp_path / "b.pt", learning_rate=1e-2,
                               log=stop_before_the_second_save)
    assert torch.load(tmp_path / "b.pt", weights_only=False)["step"] == 3
    resumed = copy.deepcopy(start)
    messages = []
    history = joint.finetune_jointly(resumed, train, val, steps=6, seed=1,
                                     state_path=tmp_path / "b.pt", learning_rate=1e-2,
                                     log=messages.append)
    assert messages[0] == "joint fine-tuning resumed at step 3/6"
    assert [h["step"] for h in history] == [3, 6]
    expected = whole.net.state_dict()
    assert all(torch.allclose(v, expected[k], atol=1e-6)
               for k, v in resumed.net.state_dict().items())


def test_joint_fine_tuning_needs_a_context_layer(tmp_path):
    train = WindowSampler(clip_set(1), 14592)
    with pytest.raises(ValueError, match="context layer"):
        joint.finetune_jointly(AudioClassifier(ClassifierConfig()), train, train, steps=1, seed=1,
                               state_path=tmp_path / "j.pt")


def test_stretches_are_cut_on_the_window_grid_with_each_window_labelled():
    model = AudioClassifier(ClassifierConfig(channels=(4, 4, 4, 4, 4), embedding=8))
    audio, labels = joint._stretch(model.config, WindowSampler(clip_set(1), 14592),
                                   np.random.default_rng(3))
    config = model.config
    assert len(audio) == config.window_samples + (joint.STRETCH_WINDOWS - 1) * config.hop_samples
    assert labels.shape == (joint.STRETCH_WINDOWS,)
    assert len(set(labels.tolist())) > 1  # 10 s of 1-6 s pieces crosses a boundary

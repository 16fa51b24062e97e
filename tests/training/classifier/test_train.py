"""Training-time augmentation of the classifier: the random spectral colouring of windows."""

import pytest
import torch

from workbench.training.classifier.recipe import CLASSES
from workbench.training.classifier.train import _random_eq


def test_random_colouring_leaves_silence_alone_and_colours_about_half_the_rest():
    torch.manual_seed(0)
    logmel = torch.randn(400, 1, 64, 20) - 60.0
    labels = torch.arange(400) % len(CLASSES)
    out = _random_eq(logmel, labels, torch.Generator().manual_seed(1), 6.0)
    change = (out - logmel)[:, 0]  # [batch, mels, frames]
    silence = labels == CLASSES.index("silence")
    assert torch.equal(change[silence], torch.zeros_like(change[silence]))
    coloured = change.abs().amax(dim=(1, 2)) > 0
    share = coloured[~silence].float().mean()
    assert 0.4 < share < 0.6
    # One gain per band, the same in every frame, bounded by tilt + bump.
    assert torch.allclose(change, change[..., :1].expand_as(change), atol=1e-4)
    assert change.abs().max() <= 12.0 + 1e-4
    # Smooth across the bands (a timbre, not a mask): neighbouring bands differ little.
    assert (change[..., 0].diff(dim=1).abs().max()) < 3.0
    # The same generator seed gives the same colouring.
    again = _random_eq(logmel, labels, torch.Generator().manual_seed(1), 6.0)
    assert torch.equal(out, again)


def test_a_family_validation_run_trains_on_clips_without_the_validation_families(tmp_path):
    import json

    from workbench.training.classifier import families
    from workbench.training.classifier.train import TrainSettings, train_classifier

    settings = TrainSettings(run_dir=str(tmp_path / "run"), train_clips_per_class=3,
                             val_clips_per_class=1, epochs=1, steps_per_epoch=1, batch_size=8,
                             threads=1, channels=(4, 4, 4, 4, 4), embedding=8,
                             family_validation=True, context_recordings=3, context_epochs=1,
                             joint_steps=2)
    summary = train_classifier(settings, tmp_path / "weights.safetensors", log=lambda m: None)
    data = tmp_path / "run" / "data"
    assert not list(data.glob("families-train-*"))  # the shipped split is never built
    validation = families.MUSIC_VALIDATION + families.NOISE_VALIDATION
    for label in ("music", "noise", "speech"):
        details = json.loads((data / f"families-fv-train-{label}.json").read_text())["details"]
        for detail in details:
            words = set(detail.replace(",", " ").replace("+", " ").replace(":", " ").split())
            assert not words & set(validation), detail
    assert summary["settings"]["family_validation"] is True
    from workbench.training.classifier.card import context_text, training_command

    # The card's command reproduces the run, context layer, joint fine-tuning and
    # validation split included.
    assert training_command(summary["settings"]).endswith(
        " --context-radius 4 --joint-steps 2 --family-validation")
    from workbench.ml.classifier.net import AudioClassifier, ClassifierConfig
    from workbench.ml.zoo.safe_load import load_weights_into

    # The weights hold the CNN and its context layer, trained after it.
    model = AudioClassifier(ClassifierConfig.from_json(summary["config"]))
    load_weights_into(model, tmp_path / "weights.safetensors")
    assert model.net.context is not None and len(summary["context_history"]) == 1
    # ... then both fine-tuned together; the card says how.
    assert [h["step"] for h in summary["joint_history"]] == [2]
    assert summary["training_s"] == pytest.approx(
        summary["cnn_training_s"] + summary["context_training_s"]
        + summary["joint_training_s"])
    assert "fine-tuned together for 2 steps" in context_text(model.config, summary["settings"])
    # The recipe's labelling rule travels as the level gate, and the card states it.
    from workbench.training.classifier.card import gate_text

    assert model.config.silence_gate_dbfs == -52.0
    assert "-52 dBFS RMS" in gate_text(model.config)
    assert gate_text(ClassifierConfig()) == ""


@pytest.mark.parametrize("options", [["--joint-steps", "-1"],
                                     ["--joint-steps", "10", "--context-radius", "0"]])
def test_joint_steps_without_a_context_layer_are_refused_before_anything_is_made(
        tmp_path, options):
    from workbench.cli import main

    run = tmp_path / "run"
    with pytest.raises(SystemExit, match="--joint-steps"):
        main(["train", "classifier", "--run-dir", str(run), "--zoo", str(tmp_path / "zoo"),
              *options])
    assert not run.exists() and not (tmp_path / "zoo").exists()


def test_a_window_length_the_network_cannot_pool_is_refused_and_a_longer_one_is_spelled_out(
        tmp_path):
    from workbench.cli import main
    from workbench.training.classifier.card import training_command

    run = tmp_path / "run"
    for frames in ("88", "100"):  # shorter than the receptive field; not 89 + 8k
        with pytest.raises(SystemExit, match="--window-frames"):
            main(["train", "classifier", "--run-dir", str(run), "--zoo", str(tmp_path / "zoo"),
                  "--window-frames", frames])
    assert not run.exists()
    assert training_command({"window_frames": 137}).endswith(" --window-frames 137")
    assert "--window-frames" not in training_command({"window_frames": 89, "seed": 1})

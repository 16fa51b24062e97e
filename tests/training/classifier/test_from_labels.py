"""Training a classifier from a label tier: two synthetic classes, held-out windows."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import soundfile as sf
import torch

from tests.classifier_zoo import make_classifier_zoo
from tests.labelled_sounds import (
    RATE,
    beep,
    hiss,
    labelled_recording,
    shipped_classifier_zoo,
    whistles_and_claps,
)
from workbench.cli import main
from workbench.core.document.document import Document
from workbench.core.jobs import Cancelled, CancelToken, Partial
from workbench.core.labels.label_formats import write_audacity
from workbench.core.labels.labels import LabelTier
from workbench.core.paths import user_models_dir
from workbench.core.storage.project_file import save_project
from workbench.ml.classifier.net import AudioClassifier, build_classifier
from workbench.ml.zoo import ModelZoo, read_card
from workbench.training.classifier.from_labels import (
    LabelTrainingError,
    TrainingStep,
    base_model,
    train_from_labels,
    window_accuracy,
)
from workbench.training.classifier.label_checkpoint import CheckpointError, has_checkpoint


@pytest.fixture
def zoo(tmp_path):
    return shipped_classifier_zoo(tmp_path / "zoo")


def run_task(gen):
    steps = []
    while True:
        try:
            item = next(gen)
        except StopIteration as done:
            return done.value, steps
        if isinstance(item, Partial) and isinstance(item.value, TrainingStep):
            steps.append(item.value)


def test_fine_tuned_model_classifies_held_out_windows(zoo):
    audio, tier = labelled_recording()
    result, steps = run_task(train_from_labels(
        audio, RATE, {"tier": tier, "name": "beeps", "zoo": zoo, "steps": 30,
                      "source": "test.wav"}, CancelToken()))
    assert [s.step for s in steps] == list(range(1, 31))
    assert [s.step for s in steps if s.val_accuracy is not None] == [10, 20, 30]
    assert steps[-1].val_accuracy == result.val_accuracy
    assert result.labels == ("beep", "hiss")
    entry = ModelZoo(zoo).entry("beeps")
    assert entry.usable and entry.card.labels == ("beep", "hiss")
    assert "tier 'classes' of test.wav" in entry.card.training_data
    assert result.val_accuracy is not None and result.val_accuracy >= 0.9
    # Fresh recordings the model never saw (another seed), through the zoo's weights.
    # Built from its card: the fine-tuned model keeps the shipped network's width.
    model = build_classifier(entry.card)
    ModelZoo(zoo).load_weights_into("beeps", model)
    # The shipped context layer reads the shipped classes: a model of other classes has none.
    assert ModelZoo(zoo).entry("classifier").card.config["context_radius"] > 0
    assert entry.card.config["context_radius"] == 0 and model.net.context is None
    rng = np.random.default_rng(7)
    held_out = {"beep": [beep(rng, 2.0) for _ in range(4)],
                "hiss": [hiss(rng, 2.0) for _ in range(4)]}
    assert window_accuracy(model, held_out, ("beep", "hiss")) >= 0.9
    # The shipped model is untouched and still listed first.
    assert [e.name for e in ModelZoo(zoo).list_models()] == ["classifier", "beeps"]
    assert read_card(zoo / "classifier" / "classifier.md").labels[0] == "speech"


def test_cancel_between_steps_writes_nothing(zoo):
    audio, tier = labelled_recording(per_class=2)
    cancel = CancelToken()
    gen = train_from_labels(audio, RATE, {"tier": tier, "name": "x", "zoo": zoo, "steps": 50},
                            cancel)
    for item in gen:
        if isinstance(item, Partial):
            cancel.set()
            break
    with pytest.raises(Cancelled):
        for item in gen:
            # Within the step that saw the cancel: its progress line, then no other step.
            assert not isinstance(item, Partial)
    assert "x" not in [e.name for e in ModelZoo(zoo).list_models()]


def test_one_class_is_refused(zoo):
    audio, tier = labelled_recording(per_class=2)
    only_beeps = LabelTier("b", tuple(lab for lab in tier.labels if lab.text == "beep"))
    with pytest.raises(LabelTrainingError, match="at least two classes"):
        run_task(train_from_labels(audio, RATE, {"tier": only_beeps, "name": "b", "zoo": zoo},
                                   CancelToken()))


def test_shipped_model_name_is_refused(zoo):
    audio, tier = labelled_recording(per_class=2)
    with pytest.raises(LabelTrainingError, match="not trained from labels"):
        run_task(train_from_labels(audio, RATE, {"tier": tier, "name": "classifier",
                                                 "zoo": zoo}, CancelToken()))


def test_cli_trains_from_an_audacity_label_file(zoo, tmp_path, capsys):
    audio, tier = labelled_recording(per_class=2)
    sf.write(tmp_path / "take.wav", audio, RATE)
    (tmp_path / "take.txt").write_text(write_audacity(tier, RATE))
    code = main(["train", "classifier", "--from-labels", str(tmp_path / "take.wav"),
                 str(tmp_path / "take.txt"), "--name", "cli model", "--zoo", str(zoo),
                 "--steps", "5"])
    assert code == 0, capsys.readouterr().err
    assert "trained 'cli model' (beep, hiss)" in capsys.readouterr().out
    # Into the user's model folder (the data folder's models/), not the shipped --zoo.
    assert ModelZoo(zoo, user_models_dir()).entry("cli model").usable
    assert [e.name for e in ModelZoo(zoo).list_models()] == ["classifier"]


def test_cli_names_the_file_and_line_of_a_bad_label(zoo, tmp_path, capsys):
    sf.write(tmp_path / "take.wav", np.zeros(RATE, np.float32), RATE)
    (tmp_path / "bad.txt").write_text("0.0\t1.0\tbeep\nsoon\tlater\thiss\n")
    code = main(["train", "classifier", "--from-labels", str(tmp_path / "take.wav"),
                 str(tmp_path / "bad.txt"), "--name", "m", "--zoo", str(zoo)])
    assert code == 1
    assert f"{tmp_path / 'bad.txt'}, line 2:" in capsys.readouterr().err


def test_cli_trains_from_a_project_tier(zoo, tmp_path, capsys):
    audio, tier = labelled_recording(per_class=2)
    document = Document.from_array(audio, RATE, name="take")
    document.set_label_tiers([LabelTier("notes", ()), tier])
    save_project(document, tmp_path / "take.wbproj")
    args = ["train", "classifier", "--from-labels", str(tmp_path / "take.wbproj"),
            "--name", "project model", "--zoo", str(zoo), "--steps", "5"]
    assert main(args) == 2 and "needs --tier NAME" in capsys.readouterr().err
    assert main([*args, "--tier", "missing"]) == 1
    assert "no label tier named 'missing' (tiers: 'notes', 'classes')" in capsys.readouterr().err
    assert main([*args, "--tier", "classes"]) == 0, capsys.readouterr().err
    card = ModelZoo(zoo, user_models_dir()).entry("project model").card
    assert card.labels == ("beep", "hiss") and "tier 'classes' of take.wbproj" in card.training_data


def region_votes(model: AudioClassifier, audio: np.ndarray, tier: LabelTier
                 ) -> tuple[list[bool], list[bool]]:
    """(per region: mean of its windows' probabilities picks its class, per window: right)."""
    labels = model.config.labels
    regions, windows = [], []
    for label in tier.labels:
        signal = torch.from_numpy(audio[label.start:label.end, 0].copy())
        with torch.inference_mode():
            probs = torch.softmax(model.signal_window_logits(signal), -1).numpy()
        truth = labels.index(label.text)
        regions.append(int(probs.mean(0).argmax()) == truth)
        windows += list(probs.argmax(1) == truth)
    return regions, windows


def test_whistles_and_claps_made_with_the_toolkit_are_told_apart_on_held_out_regions(zoo):
    audio, tier = whistles_and_claps(seed=1, per_class=4)
    # Its time against the 2-minute budget is in make bench (bench_train_from_labels).
    result, _steps = run_task(train_from_labels(
        audio, RATE, {"tier": tier, "name": "hands", "zoo": zoo}, CancelToken()))
    assert result.labels == ("clap", "whistle") and result.val_accuracy >= 0.9
    model = build_classifier(ModelZoo(zoo).entry("hands").card).eval()
    ModelZoo(zoo).load_weights_into("hands", model)
    held_audio, held_tier = whistles_and_claps(seed=99, per_class=5)
    regions, windows = region_votes(model, held_audio, held_tier)
    assert all(regions), regions
    assert np.mean(windows) >= 0.9, np.mean(windows)


def test_a_cancelled_training_resumes_from_its_checkpoint_and_finishes(zoo, tmp_path):
    audio, tier = labelled_recording()
    user = tmp_path / "user-models"
    params = {"tier": tier, "name": "beeps", "zoo": zoo, "user_zoo": user, "steps": 12,
              "checkpoint_every": 5}
    cancel = CancelToken()
    gen = train_from_labels(audio, RATE, params, cancel)
    with pytest.raises(Cancelled):
        for item in gen:
            if isinstance(item, Partial) and item.value.step == 7:
                cancel.set()
    assert has_checkpoint(user, "beeps")
    assert "beeps" not in [e.name for e in ModelZoo(zoo, user).list_models()]
    result, steps = run_task(train_from_labels(audio, RATE, {**params, "resume": True},
                                               CancelToken()))
    assert [s.step for s in steps] == list(range(8, 13))  # after the 7 steps done
    assert len(result.losses) == 12 and result.val_accuracy is not None
    assert not has_checkpoint(user, "beeps")  # the finished model replaced it
    # The model is in the user's zoo, listed after the shipped ones; the shipped zoo is as it was.
    assert result.weights_path.is_relative_to(user)
    assert [e.name for e in ModelZoo(zoo, user).list_models()] == ["classifier", "beeps"]
    assert [e.name for e in ModelZoo(zoo).list_models()] == ["classifier"]


def test_resume_without_a_checkpoint_or_with_other_classes_says_so(zoo, tmp_path):
    audio, tier = labelled_recording(per_class=2)
    user = tmp_path / "user-models"
    params = {"tier": tier, "name": "m", "zoo": zoo, "user_zoo": user, "steps": 3}
    with pytest.raises(CheckpointError, match="no checkpoint to resume"):
        run_task(train_from_labels(audio, RATE, {**params, "resume": True}, CancelToken()))
    cancel = CancelToken()
    with pytest.raises(Cancelled):
        for item in train_from_labels(audio, RATE, params, cancel):
            if isinstance(item, Partial):
                cancel.set()
    renamed = LabelTier("classes", tuple(replace(lab, text="tone" if lab.text == "beep"
                                                 else lab.text) for lab in tier.labels))
    with pytest.raises(CheckpointError, match=r"checkpoint.pt: the checkpoint's classes"):
        run_task(train_from_labels(audio, RATE, {**params, "tier": renamed, "resume": True},
                                   CancelToken()))


def test_cli_resumes_a_cancelled_training(zoo, tmp_path, capsys):
    audio, tier = labelled_recording(per_class=2)
    user = tmp_path / "user-models"
    cancel = CancelToken()
    with pytest.raises(Cancelled):
        for item in train_from_labels(audio, RATE, {"tier": tier, "name": "cli", "zoo": zoo,
                                                    "user_zoo": user, "steps": 6}, cancel):
            if isinstance(item, Partial) and item.value.step == 2:
                cancel.set()
    sf.write(tmp_path / "take.wav", audio, RATE)
    (tmp_path / "take.txt").write_text(write_audacity(tier, RATE))
    code = main(["train", "classifier", "--from-labels", str(tmp_path / "take.wav"),
                 str(tmp_path / "take.txt"), "--name", "cli", "--zoo", str(zoo),
                 "--user-models", str(user), "--steps", "6", "--resume"])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Resuming after step 2" in out.out and "trained 'cli'" in out.out
    assert ModelZoo(zoo, user).entry("cli").usable


@pytest.mark.parametrize("labels", [("speech", "music", "noise", "tone", "silence"),
                                    ("speech", "dog", "silence")])
def test_a_model_trained_from_your_labels_drops_the_base_models_level_gate(tmp_path, labels):
    # The gate is the base recipe's labelling rule; your labels are the rule now.
    zoo = ModelZoo(make_classifier_zoo(tmp_path / "zoo", silence_gate_dbfs=-52.0))
    model, base = base_model(zoo, "classifier", labels)
    assert base == "classifier" and model.config.silence_gate_dbfs is None

"""Per-family evaluation: recordings featuring a held-out family, scores per family and pooled."""

import numpy as np
import pytest
import torch

from tests.classifier_zoo import make_classifier_zoo
from workbench.ml.classifier.net import build_classifier
from workbench.ml.zoo import ModelZoo
from workbench.training.classifier import families, family_eval
from workbench.training.classifier.eval_data import make_recording
from workbench.training.classifier.family_eval import RecordingScore, summarize


def score(truth, predicted, true_bounds, found_bounds, silero=None):
    return RecordingScore(np.array(truth), np.array(predicted), true_bounds, found_bounds,
                          None if silero is None else np.array(silero))


def test_pooled_scores_count_every_window_and_boundary_once():
    right = score([0, 0, 1, 1], [0, 0, 1, 1], [2.0], [2.2], [True, True, False, False])
    wrong = score([2, 2, 4], [1, 2, 4], [1.0, 3.0], [1.0], [False, True, False])
    pooled = summarize([right, wrong])
    assert pooled["window"]["windows"] == 7
    assert pooled["window"]["accuracy"] == pytest.approx(6 / 7)
    assert pooled["window"]["per_class"]["noise"]["recall"] == 0.5
    assert pooled["boundaries"]["recall"] == pytest.approx(2 / 3)
    assert pooled["boundaries"]["precision"] == 1.0
    assert pooled["silero_vad_speech"]["precision"] == pytest.approx(2 / 3)
    assert "silero_vad_speech" not in summarize([score([0], [0], [], [])])


def test_a_family_recording_gives_its_family_class_most_of_the_segments():
    labels = [s[2] for s in make_recording(0, 8000, "families", "wind").segments]
    assert labels.count("noise") >= 3 and max(labels, key=labels.count) == "noise"
    assert all(a != b for a, b in zip(labels, labels[1:]))
    with pytest.raises(ValueError, match="guitar"):
        make_recording(0, 8000, "families", "guitar")  # a training family


def test_validation_recordings_feature_a_validation_family_and_only_those():
    recording = make_recording(0, 8000, "families", "keyboard", split="fv-val")
    labels = [s[2] for s in recording.segments]
    assert max(labels, key=labels.count) == "noise"
    # Not the held-out recording of another family with the same index.
    held = make_recording(0, 8000, "families", "wind")
    assert len(recording.audio) != len(held.audio) or \
        not np.array_equal(recording.audio, held.audio)
    with pytest.raises(ValueError, match="validation family"):
        make_recording(0, 8000, "families", "wind", split="fv-val")
    with pytest.raises(ValueError, match="held-out family"):
        make_recording(0, 8000, "families", "keyboard")


def test_every_family_gets_a_row_and_the_pool_adds_them_up(tmp_path):
    torch.set_num_threads(1)
    zoo = ModelZoo(make_classifier_zoo(tmp_path / "zoo"))
    model = build_classifier(zoo.entry("classifier").card)
    zoo.load_weights_into("classifier", model)
    report = family_eval.evaluate_families(model.eval(), tmp_path / "run", per_family=1,
                                           silero=False, log=lambda m: None,
                                           families=("koto", "traffic"))
    rows = report["families"]
    assert list(rows) == ["koto", "traffic"]
    assert rows["koto"]["kind"] == "music" and rows["traffic"]["kind"] == "noise"
    windows = [r["window"]["windows"] for r in rows.values()]
    assert all(w > 20 for w in windows)
    assert report["pooled"]["window"]["windows"] == sum(windows)
    text = family_eval.family_markdown(report)
    assert "| koto | music |" in text and "| all held-out families |" in text
    headline = family_eval.family_headline(report, "x_")
    assert headline["x_window_accuracy"] == report["pooled"]["window"]["accuracy"]
    assert (tmp_path / "run" / "eval").is_dir()  # recordings are cached for the next run
    validation = family_eval.evaluate_families(model, tmp_path / "run", 1, False,
                                               log=lambda m: None, split="fv-val")
    assert list(validation["families"]) == list(families.VALIDATION_FAMILIES)
    assert validation["families"]["sax"]["kind"] == "music"
    assert "| all validation families |" in family_eval.family_markdown(validation)


def test_the_card_text_puts_families_first_set_and_the_other_model_side_by_side(tmp_path):
    from workbench.training.classifier.eval_command import evaluation_text
    from workbench.training.classifier.evaluate import evaluate_classifier

    torch.set_num_threads(1)
    models = []
    for seed in (0, 1):
        zoo = ModelZoo(make_classifier_zoo(tmp_path / f"zoo{seed}", seed=seed))
        model = build_classifier(zoo.entry("classifier").card)
        zoo.load_weights_into("classifier", model)
        models.append(model.eval())
    quiet = {"log": lambda m: None}
    reports = [{"first_set": evaluate_classifier(m, tmp_path / "run", 1, 1, peers=False, **quiet),
                "families": family_eval.evaluate_families(m, tmp_path / "run", 1, False,
                                                          families=("accordion",), **quiet)}
               for m in models]
    report = {**reports[0], "compare": {"name": "shipped", **reports[1]}}
    text = evaluation_text(report)
    families_at, first_at, beside_at = (text.index(s) for s in (
        "Held-out instrument families", "First held-out set", "Beside shipped"))
    assert families_at < first_at < beside_at
    mine = report["families"]["pooled"]["window"]["accuracy"]
    theirs = report["compare"]["families"]["pooled"]["window"]["accuracy"]
    assert f"| held-out families: window accuracy | {mine:.4f} | {theirs:.4f} |" in text
    assert "| accordion | music |" in text and "shipped window accuracy" in text


def test_eval_command_scores_a_run_on_the_validation_families_only(tmp_path, capsys):
    from workbench.__main__ import main

    torch.set_num_threads(1)
    zoo = make_classifier_zoo(tmp_path / "zoo")
    run = ["eval", "classifier", "--family-validation", "--zoo", str(zoo), "--families", "1",
           "--run-dir", str(tmp_path / "run"), "--threads", "1"]
    assert main(run + ["--json", str(tmp_path / "report.json")]) == 0
    out = capsys.readouterr().out
    assert "| sax | music |" in out and "| all validation families |" in out
    assert "| violin |" not in out  # held-out families take no part in choosing
    import json

    report = json.loads((tmp_path / "report.json").read_text())
    assert report["split"] == "fv-val" and list(report["families"]) == list(
        families.VALIDATION_FAMILIES)
    card_before = (zoo / "classifier" / "classifier.md").read_bytes()
    with pytest.raises(SystemExit, match="does not go on a card"):
        main(run + ["--update-card"])
    assert (zoo / "classifier" / "classifier.md").read_bytes() == card_before

"""`workbench classify --format json` with the shipped classifier, and the train/eval
commands it documents."""

import json

import numpy as np
import pytest
import soundfile as sf

from tests.cli.test_cli_contract import workbench
from workbench import cli
from workbench.core.analysis.results import Classification
from workbench.core.labels.segment_export import segments_json


@pytest.fixture
def tone_then_silence(tmp_path):
    """3 s of a 700 Hz tone, then 3 s of near-silent room tone, 22.05 kHz stereo."""
    rate = 22050
    t = np.arange(3 * rate) / rate
    tone = 0.2 * np.sin(2 * np.pi * 700 * t)
    room = np.random.default_rng(0).standard_normal(3 * rate) * 10 ** (-75 / 20)
    mono = np.concatenate([tone, room]).astype(np.float32)
    path = tmp_path / "tone-then-silence.wav"
    sf.write(path, np.stack([mono, mono], axis=1), rate, subtype="FLOAT")
    return path


def test_classify_json_contract_with_the_shipped_model(tone_then_silence):
    out = workbench("classify", tone_then_silence, "--format", "json", "--device", "cpu")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    empty = Classification(tuple(data["labels"]), 0.24, 0.912, np.zeros((0, 5)), (), "", "",
                           0.0, (0.0, 0.0))
    assert set(data) == set(segments_json(empty))  # the export dialog writes the same shape
    assert data["model"] == "classifier" and data["device"] == "cpu"
    assert data["labels"] == ["speech", "music", "noise", "tone", "silence"]
    segments = data["segments"]
    assert segments[0]["start"] == 0.0
    assert segments[-1]["end"] == pytest.approx(data["duration"], abs=1e-3)
    for a, b in zip(segments, segments[1:]):
        assert a["end"] == pytest.approx(b["start"]) and a["label"] != b["label"]
    assert [s["label"] for s in segments] == ["tone", "silence"]
    assert abs(segments[0]["end"] - 3.0) <= 0.5
    assert sum(data["summary"].values()) == pytest.approx(data["duration"], abs=1e-3)


@pytest.mark.parametrize("verb", ["train", "eval"])
def test_train_and_eval_classifier_are_registered(verb, capsys):
    assert cli.main([verb, "classifier", "--help"]) == 0
    out = capsys.readouterr().out
    assert f"workbench {verb} classifier" in out and "--zoo" in out and "--run-dir" in out

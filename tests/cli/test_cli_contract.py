"""The headless commands as other tools see them: JSON shapes, formats, exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.tiny_models import CLASS_LABELS, make_zoo, tiny_classify_spec
from workbench import cli
from workbench.ml.model_tasks import MODEL_TASKS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    return make_zoo(tmp_path_factory.mktemp("zoo"))


@pytest.fixture
def speechy(tmp_path):
    """1.5 s of 22.05 kHz stereo PCM_16: quiet, then loud noise."""
    rng = np.random.default_rng(1)
    data = np.concatenate([np.zeros((16538, 2)), rng.standard_normal((16537, 2)) * 0.3])
    path = tmp_path / "speechy.wav"
    sf.write(path, np.clip(data, -1, 1).astype(np.float32), 22050, subtype="PCM_16")
    return path


def workbench(*args, env=None, code=None):
    """Run `python -m workbench ARGS` (or a snippet) in a fresh process."""
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "workbench"]
    return subprocess.run([*command, *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, env={**os.environ, **(env or {})})


def test_transcribe_json_has_the_fixed_shape(zoo, speechy):
    out = workbench("transcribe", speechy, "--format", "json",
                    env={"WORKBENCH_MODELS_DIR": str(zoo)})
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"file", "duration", "sample_rate", "model", "device", "elapsed",
                         "text", "words", "warnings"}
    assert data["file"] == str(speechy) and data["sample_rate"] == 22050
    assert data["duration"] == pytest.approx(1.5, abs=1e-4)
    assert (data["model"], data["device"]) == ("tiny-recognizer", "cpu")
    assert isinstance(data["elapsed"], float) and isinstance(data["text"], str)
    assert isinstance(data["words"], list)
    for word in data["words"]:
        assert set(word) == {"word", "start", "end", "confidence"}
        assert isinstance(word["word"], str)
        assert 0 <= word["start"] <= word["end"] <= data["duration"]
    assert data["text"] == " ".join(w["word"] for w in data["words"])


def test_enhance_writes_the_input_rate_and_channels_and_prints_json(zoo, speechy, tmp_path):
    target = tmp_path / "clean.flac"
    # Run through main() in a fresh process, to see that no Qt module was imported.
    snippet = ("import sys; from workbench.__main__ import main; code = main(sys.argv[1:]);"
               "print('qt-imported' if 'PySide6' in sys.modules else 'no-qt', file=sys.stderr);"
               "sys.exit(code)")
    out = workbench("enhance", speechy, "-o", target, "--zoo", zoo, "--json", code=snippet)
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip().endswith("no-qt")
    data = json.loads(out.stdout)
    assert set(data) == {"input", "output", "model", "device", "elapsed", "warnings"}
    assert data["output"] == str(target) and data["model"] == "tiny-enhancer"
    written, original = sf.info(target), sf.info(speechy)
    assert (written.samplerate, written.channels, written.frames) == \
        (original.samplerate, original.channels, original.frames)
    assert written.subtype == "PCM_16"


def test_classify_json_has_the_fixed_shape(zoo, speechy, capsys, monkeypatch):
    monkeypatch.setitem(MODEL_TASKS, "classify", tiny_classify_spec())
    assert cli.main(["classify", str(speechy), "--zoo", str(zoo), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"file", "duration", "model", "device", "elapsed", "labels",
                         "segments", "summary", "warnings"}
    assert data["labels"] == list(CLASS_LABELS) and data["model"] == "tiny-classifier"
    for segment in data["segments"]:
        assert set(segment) == {"start", "end", "label", "confidence"}
        assert segment["label"] in CLASS_LABELS
    assert [s["label"] for s in data["segments"]] == ["quiet", "loud"]
    assert set(data["summary"]) == set(CLASS_LABELS)
    assert sum(data["summary"].values()) == pytest.approx(data["duration"], abs=1e-4)


def test_transcripts_print_as_text_srt_and_vtt(zoo, speechy, capsys):
    outputs = {}
    for fmt in ("text", "srt", "vtt", "json"):
        assert cli.main(["transcribe", str(speechy), "--zoo", str(zoo), "--format", fmt]) == 0
        outputs[fmt] = capsys.readouterr().out
    words = json.loads(outputs["json"])["words"]
    assert outputs["text"].strip() == " ".join(w["word"] for w in words)
    assert outputs["vtt"].startswith("WEBVTT\n")
    if words:  # a random model may hear nothing; then both files hold no cues
        assert " --> " in outputs["srt"] and outputs["srt"].startswith("1\n")


def test_no_installed_model_exits_4_with_what_to_do(tmp_path, speechy, capsys):
    empty = tmp_path / "empty-zoo"
    empty.mkdir()
    (empty / "manifest.json").write_text('{"format": 1, "models": []}')
    assert cli.main(["transcribe", str(speechy), "--zoo", str(empty)]) == 4
    err = capsys.readouterr().err
    assert "no recognizer model installed: train one with `workbench train recognizer`" in err
    assert cli.main(["enhance", str(speechy), "-o", str(tmp_path / "o.wav"), "--zoo",
                     str(empty)]) == 4
    assert "no enhancer model installed" in capsys.readouterr().err


@pytest.mark.parametrize("args, code, message", [
    (["transcribe", "{file}", "--model", "nope"], 4, "no model named 'nope'"),
    (["transcribe", "{missing}"], 3, "missing.wav"),
    (["transcribe", "{file}", "--format", "doc"], 2, "invalid choice"),
    (["transcribe", "{file}", "--device", "abacus"], 2, "not a device name"),
    (["enhance", "{file}"], 2, "-o/--output"),
    (["enhance", "{file}", "-o", "{tmp}/out.mp3"], 2, "cannot write"),
    (["train", "synthesizer"], 2, "invalid choice: 'synthesizer'"),
    (["eval", "recognizer", "--no-such-option"], 2, "unrecognized arguments: --no-such-option"),
])
def test_errors_exit_with_their_code_and_say_why(zoo, speechy, tmp_path, capsys, args, code,
                                                 message):
    names = {"file": speechy, "missing": tmp_path / "missing.wav", "tmp": tmp_path}
    argv = [a.format(**names) for a in args]
    if argv[0] in ("transcribe", "enhance"):
        argv += ["--zoo", str(zoo)]
    assert cli.main(argv) == code
    assert message in capsys.readouterr().err


def test_models_lists_the_zoo_as_json(zoo, capsys):
    assert cli.main(["models", "--zoo", str(zoo), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [m["name"] for m in data["models"]] == ["tiny-recognizer", "tiny-enhancer",
                                                   "tiny-classifier"]
    assert {m["status"] for m in data["models"]} == {"ok"}
    assert {p["name"] for p in data["pretrained"]} >= {"WAV2VEC2_ASR_BASE_960H"}

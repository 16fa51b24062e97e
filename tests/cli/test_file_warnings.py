"""Every command that opens audio says what is wrong with the file, on stderr and in JSON."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.cli.test_cli_contract import ROOT
from tests.core.bad_files import write_case
from tests.tiny_models import make_zoo, tiny_classify_spec
from workbench import cli
from workbench.ml.model_tasks import MODEL_TASKS


def info(*paths) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "workbench", "info", *map(os.fsencode, paths)],
                          capture_output=True, cwd=ROOT, timeout=120)


def test_info_prints_each_warning_on_stderr_naming_the_file(tmp_path):
    path, _ = write_case("data_chunk_longer_than_file", tmp_path)
    out = info(path)
    assert out.returncode == 0
    assert out.stdout.count(b"\n") == 1 and b"100 frames" in out.stdout  # the description only
    assert f"workbench info: warning: {path}: the data chunk claims".encode() in out.stderr


def test_info_reports_implausible_headers_damage_and_sample_values(tmp_path):
    cases = {"sample_rate_of_a_gigahertz": b"above any audio rate",
             "flac_claiming_a_thousand_hours": b"more than the file can hold",
             "flac_damaged_in_the_middle": b"decoding stopped after"}
    paths = {name: write_case(name, tmp_path)[0] for name in cases}
    absurd = tmp_path / "absurd.wav"
    samples = np.zeros(1000, np.float32)
    samples[10] = 1e30
    sf.write(absurd, samples, 16000, subtype="FLOAT")
    out = info(*paths.values(), absurd)
    assert out.returncode == 0
    lines = out.stderr.splitlines()
    for name, text in cases.items():
        prefix = f"workbench info: warning: {paths[name]}: ".encode()
        assert any(line.startswith(prefix) and text in line for line in lines), name
    assert f"{absurd}: samples reach 1e+30 (+600 dBFS)".encode() in out.stderr
    # the damaged FLAC is described by what it holds, not by its header's claim
    assert b"claims_forever.flac: FLAC" in out.stdout and b"2000 frames" in out.stdout


def test_info_on_a_name_that_is_not_utf8_prints_the_name_as_its_bytes(tmp_path):
    name = os.fsencode(tmp_path) + b"/caf\xe9.wav"
    sf.write(name, np.zeros((800, 1)), 8000, subtype="PCM_16")
    out = info(Path(os.fsdecode(name)))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(name + b": WAV")
    assert b"Traceback" not in out.stderr


def test_classify_puts_the_file_warnings_in_its_json_and_on_stderr(tmp_path, capsys,
                                                                   monkeypatch):
    monkeypatch.setitem(MODEL_TASKS, "classify", tiny_classify_spec())
    zoo = make_zoo(tmp_path / "zoo")
    path, _ = write_case("data_chunk_longer_than_file", tmp_path)
    assert cli.main(["classify", str(path), "--zoo", str(zoo), "--format", "json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert len(data["warnings"]) == 1 and "the data chunk claims" in data["warnings"][0]
    assert f"workbench classify: warning: {path}: the data chunk claims" in captured.err


def test_classify_opens_a_name_that_is_not_utf8(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(MODEL_TASKS, "classify", tiny_classify_spec())
    zoo = make_zoo(tmp_path / "zoo")
    name = os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.wav")
    sf.write(os.fsencode(name), np.zeros((8000, 1)), 8000, subtype="PCM_16")
    assert cli.main(["classify", name, "--zoo", str(zoo), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["warnings"] == []

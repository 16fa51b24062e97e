"""`workbench transcribe --model WAV2VEC2_ASR_BASE_960H`: the model manager's download runs
by its name (a small test-made checkpoint); before it is downloaded the CLI says so."""

import json

import numpy as np
import soundfile as sf

from tests.tiny_wav2vec2 import NAME, install_tiny_wav2vec2
from workbench import cli


def test_a_downloaded_pretrained_recognizer_transcribes_by_name(tmp_path, capsys,
                                                                 monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    audio = tmp_path / "talk.wav"
    sf.write(audio, np.random.default_rng(0).standard_normal(16000) * 0.1, 16000)
    argv = ["transcribe", str(audio), "--zoo", str(tmp_path / "zoo"), "--model", NAME,
            "--format", "json"]
    assert cli.main(argv) == 4
    assert "not downloaded yet" in capsys.readouterr().err
    install_tiny_wav2vec2(says="E")
    assert cli.main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"] == NAME and [w["word"] for w in out["words"]] == ["e"]

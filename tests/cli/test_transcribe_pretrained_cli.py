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


def test_the_emformer_rnnt_transcribes_by_name_with_timed_words(tmp_path, capsys,
                                                                monkeypatch):
    from tests.tiny_emformer import NAME as EMFORMER
    from tests.tiny_emformer import install_tiny_emformer

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    audio = tmp_path / "talk.flac"
    sf.write(audio, np.random.default_rng(1).standard_normal((44100 * 2, 2)) * 0.1, 44100)
    argv = ["transcribe", str(audio), "--zoo", str(tmp_path / "zoo"), "--model", EMFORMER,
            "--format", "json"]
    assert cli.main(argv) == 4
    assert "not downloaded yet" in capsys.readouterr().err
    install_tiny_emformer(blank_bias=3.0, word_bias=2.0)
    assert cli.main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"] == EMFORMER and out["duration"] == 2.0
    words = out["words"]
    assert len(words) >= 2 and out["text"] == " ".join(w["word"] for w in words)
    assert all(set(w) == {"word", "start", "end", "confidence"} for w in words)
    assert all(0.0 <= w["start"] < w["end"] <= 2.0 and 0.0 < w["confidence"] <= 1.0
               for w in words)
    assert [w["start"] for w in words] == sorted(w["start"] for w in words)
    assert cli.main([*argv[:-1], "srt"]) == 0  # the same words as subtitles
    srt = capsys.readouterr().out
    assert srt.startswith("1\n00:00:") and words[0]["word"] in srt


def test_a_corpus_runs_through_the_emformer_rnnt_in_a_worker_process(tmp_path, capsys,
                                                                     monkeypatch):
    from tests.tiny_emformer import NAME as EMFORMER
    from tests.tiny_emformer import install_tiny_emformer
    from workbench.runtime.corpus.ledger import Ledger

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))  # workers inherit it
    corpus, run = tmp_path / "corpus", tmp_path / "run"
    corpus.mkdir()
    for i in range(2):
        sf.write(corpus / f"take{i}.wav",
                 np.random.default_rng(i).standard_normal(16000) * 0.1, 16000)
    argv = ["batch", "transcribe", str(corpus), "--out", str(run), "--zoo",
            str(tmp_path / "zoo"), "--model", EMFORMER, "--workers", "1"]
    assert cli.main(argv) == 4  # not downloaded: no worker starts
    assert "not downloaded yet" in capsys.readouterr().err and not run.exists()
    install_tiny_emformer(blank_bias=3.0, word_bias=2.0)
    assert cli.main(argv) == 0
    assert "2 files: 2 ok, 0 errors" in capsys.readouterr().out
    rows = Ledger(run).file_rows().to_pylist()
    assert {r["model"] for r in rows} == {EMFORMER} and all(r["text"] for r in rows)
    words = Ledger(run).segment_rows().to_pylist()
    assert words and all(0.0 <= w["start"] < w["end"] <= 1.0 for w in words)

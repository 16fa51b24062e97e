"""The per-file function: one row per file, ok or error with the reason, in-process."""

import json

import numpy as np
import pytest
import soundfile as sf

from tests.runtime.corpus.corpus_fixtures import BAD, GOOD, classify_task, make_corpus
from tests.tiny_models import RATE, make_zoo
from workbench.ml.model_tasks import MODEL_TASKS
from workbench.runtime.corpus.inputs import collect_inputs
from workbench.runtime.corpus.per_file import CorpusItem, CorpusTask, FileWorker


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    return make_zoo(tmp_path_factory.mktemp("zoo"))


@pytest.fixture
def corpus(tmp_path):
    return make_corpus(tmp_path / "corpus")


def _item(corpus, relative):
    return CorpusItem(str(corpus / relative), relative, f"key-{relative}", "hash")


def test_a_folder_scan_finds_the_audio_files_recursively(corpus, tmp_path):
    listed = tmp_path / "more.txt"
    listed.write_text(f"# a list file\n\ncorpus/loud.wav\n{corpus / 'missing.wav'}\n")
    found = collect_inputs([corpus, listed])
    assert sorted(f.relative for f in found) == sorted([*GOOD, *BAD, "corpus/missing.wav"])


def test_good_files_give_ok_rows_with_segments(zoo, corpus, tmp_path):
    worker = FileWorker(classify_task(zoo, tmp_path / "run"))
    loud = worker.process(_item(corpus, "loud.wav"))
    assert loud.row["status"] == "ok" and loud.row["reason"] == ""
    assert loud.row["text"] == "loud" and loud.row["duration"] == pytest.approx(1.0)
    assert loud.segments and {s["label"] for s in loud.segments} == {"loud"}
    assert json.loads(loud.row["summary"])["loud"] == pytest.approx(1.0, abs=0.3)
    quiet = worker.process(_item(corpus, "sub/quiet.wav"))
    assert quiet.row["text"] == "quiet"


def test_classify_rows_carry_each_segments_penultimate_features(zoo, corpus, tmp_path):
    loud = np.random.default_rng(1).standard_normal(2 * RATE).astype(np.float32) * 0.3
    sf.write(corpus / "halves.wav", np.concatenate([np.zeros(2 * RATE, np.float32), loud]),
             RATE)
    mixed = FileWorker(classify_task(zoo, tmp_path / "run")).process(
        _item(corpus, "halves.wav"))
    by_label = {s["label"]: s["embedding"] for s in mixed.segments}
    assert set(by_label) == {"quiet", "loud"}
    # The tiny classifier's last layer reads a window's RMS: silence 0, noise about 0.3.
    assert by_label["quiet"] == [pytest.approx(0.0, abs=0.05)]
    assert by_label["loud"] == [pytest.approx(0.3, abs=0.1)]


@pytest.mark.parametrize("relative", [*BAD, "missing.wav"])
def test_a_bad_file_gives_one_error_row_with_its_reason(zoo, corpus, tmp_path, relative):
    outcome = FileWorker(classify_task(zoo, tmp_path / "run")).process(_item(corpus, relative))
    assert outcome.row["status"] == "error" and outcome.segments == []
    assert outcome.row["reason"].startswith(BAD.get(relative, "unreadable"))


def test_a_model_that_fails_gives_an_error_row(zoo, corpus, tmp_path):
    task = classify_task(zoo, tmp_path / "run")
    broken = CorpusTask(task.kind, task.spec, task.zoo, "no-such-model", task.out_dir)
    outcome = FileWorker(broken).process(_item(corpus, "loud.wav"))
    assert outcome.row["status"] == "error"
    assert outcome.row["reason"].startswith("model failed: UnknownModelError")


def test_enhanced_audio_mirrors_the_input_tree_and_never_writes_inputs(zoo, corpus, tmp_path):
    before = {p: p.read_bytes() for p in corpus.rglob("*") if p.is_file()}
    run = tmp_path / "run"
    worker = FileWorker(CorpusTask("enhance", MODEL_TASKS["enhance"], zoo, "tiny-enhancer", run))
    for relative in GOOD:
        outcome = worker.process(_item(corpus, relative))
        assert outcome.row["status"] == "ok", outcome.row["reason"]
        assert outcome.row["output"] == str(run / "enhanced" / relative)
    assert sorted(p.relative_to(run / "enhanced").as_posix()
                  for p in (run / "enhanced").rglob("*") if p.is_file()) == sorted(GOOD)
    assert {p: p.read_bytes() for p in corpus.rglob("*") if p.is_file()} == before


def test_transcription_gives_the_text_and_word_rows(zoo, corpus, tmp_path):
    worker = FileWorker(CorpusTask("transcribe", MODEL_TASKS["transcribe"], zoo,
                                   "tiny-recognizer", tmp_path / "run"))
    outcome = worker.process(_item(corpus, "loud.wav"))
    assert outcome.row["status"] == "ok", outcome.row["reason"]
    assert outcome.row["text"] == " ".join(s["label"] for s in outcome.segments)

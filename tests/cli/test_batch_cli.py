"""`workbench batch`: a corpus through the CLI, its summary, exit codes and a resumed rerun."""

import json
import shutil

import pytest

from tests.runtime.corpus.corpus_fixtures import BAD, GOOD, make_corpus
from tests.tiny_models import make_zoo, tiny_classify_spec
from workbench import cli
from workbench.cli.common import EXIT_INPUT, EXIT_MODEL, EXIT_OK, EXIT_USAGE
from workbench.ml.model_tasks import MODEL_TASKS
from workbench.runtime.corpus.ledger import Ledger


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    return make_zoo(tmp_path_factory.mktemp("zoo"))


@pytest.fixture
def tiny_classifier(monkeypatch):
    monkeypatch.setitem(MODEL_TASKS, "classify", tiny_classify_spec())


def test_batch_classify_writes_one_row_per_file_and_resumes(zoo, tmp_path, capsys,
                                                           tiny_classifier):
    corpus, run = make_corpus(tmp_path / "corpus"), tmp_path / "run"
    args = ["batch", "classify", str(corpus), "--out", str(run), "--zoo", str(zoo),
            "--workers", "1"]
    assert cli.main(args) == EXIT_INPUT  # the planted bad files
    out, err = capsys.readouterr()
    assert out.strip() == f"6 files: 3 ok, 3 errors (6 run now, 0 already done) -> {run}"
    assert "batch classify: 6/6 files, 3 errors" in err
    for name in BAD:
        assert f"workbench batch: {corpus / name}: " in err
    summary = json.loads((run / "summary.json").read_text())
    assert (summary["files"], summary["ok"], summary["errors"]) == (6, 3, 3)
    assert summary["model"] == "tiny-classifier"
    assert len(Ledger(run).file_rows()) == 6
    truth = tmp_path / "truth.csv"
    truth.write_text("file,label\nloud.wav,loud\nsub/quiet.wav,loud\nempty.wav,quiet\n")
    assert cli.main([*args, "--truth", str(truth)]) == EXIT_INPUT
    out = capsys.readouterr().out
    assert "(0 run now, 6 already done)" in out
    assert "truth: 2 scored (0 not in the run, 1 error rows): accuracy 0.500" in out
    assert len(Ledger(run).file_rows()) == 6
    summary = json.loads((run / "summary.json").read_text())
    assert summary["truth"]["confusion"] == {"loud": {"loud": 1, "quiet": 1}}
    assert summary["truth_file"] == str(truth)  # where the corpus view finds it again


def test_batch_enhance_of_good_files_mirrors_the_tree_and_exits_0(zoo, tmp_path, capsys):
    corpus = make_corpus(tmp_path / "corpus")
    for name in BAD:
        (corpus / name).unlink()
    run = corpus / "runs" / "one"  # inside an input folder: never read back as input
    assert cli.main(["batch", "enhance", str(corpus), "--out", str(run), "--zoo", str(zoo),
                     "--workers", "1"]) == EXIT_OK
    assert sorted(p.relative_to(run / "enhanced").as_posix()
                  for p in (run / "enhanced").rglob("*") if p.is_file()) == sorted(GOOD)
    assert "3 files: 3 ok, 0 errors" in capsys.readouterr().out


def test_batch_exit_codes_for_a_missing_input_and_an_unknown_model(zoo, tmp_path, capsys):
    corpus = make_corpus(tmp_path / "corpus")
    assert cli.main(["batch", "classify", str(tmp_path / "nowhere"), "--out",
                     str(tmp_path / "run"), "--zoo", str(zoo)]) == EXIT_INPUT
    assert "no such file or folder" in capsys.readouterr().err
    assert cli.main(["batch", "transcribe", str(corpus), "--out", str(tmp_path / "run"),
                     "--zoo", str(zoo), "--model", "no-such-model"]) == EXIT_MODEL
    assert cli.main(["batch", "classify", str(corpus), "--out", str(tmp_path / "run"),
                     "--workers", "0"]) == EXIT_USAGE
    assert cli.main(["batch", "enhance", str(corpus), "--out", str(tmp_path / "run"),
                     "--truth", str(corpus / "loud.wav")]) == EXIT_USAGE
    assert not (tmp_path / "run").exists()
    shutil.rmtree(corpus)


def test_batch_finds_a_user_trained_model_after_the_shipped_ones(tmp_path, capsys,
                                                                 monkeypatch, tiny_classifier):
    shipped = make_zoo(tmp_path / "shipped", recognizer=False, classifier=False)
    user = make_zoo(tmp_path / "user", recognizer=False, enhancer=False)  # tiny-classifier
    monkeypatch.setenv("WORKBENCH_USER_MODELS_DIR", str(user))
    corpus, run = make_corpus(tmp_path / "corpus"), tmp_path / "run"
    for name in BAD:
        (corpus / name).unlink()
    assert cli.main(["batch", "classify", str(corpus), "--out", str(run), "--zoo",
                     str(shipped), "--model", "tiny-classifier", "--workers", "1"]) == EXIT_OK
    assert "3 files: 3 ok, 0 errors" in capsys.readouterr().out
    assert json.loads((run / "summary.json").read_text())["model"] == "tiny-classifier"
    assert {row["model"] for row in Ledger(run).file_rows().to_pylist()} == {"tiny-classifier"}

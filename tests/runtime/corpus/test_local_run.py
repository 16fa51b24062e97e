"""A corpus run on the local process pool: one row per input, the ledger, resume."""

import shutil

import numpy as np
import pytest
import soundfile as sf

from tests.runtime.corpus.corpus_fixtures import BAD, GOOD, classify_task, make_corpus
from tests.tiny_models import RATE, make_zoo
from workbench.runtime.corpus.corpus_run import run_corpus
from workbench.runtime.corpus.inputs import collect_inputs
from workbench.runtime.corpus.ledger import Ledger
from workbench.runtime.corpus.local_executor import LocalExecutor


class CountingExecutor:
    """The local executor, counting the files it was given."""

    def __init__(self, workers):
        self.inner, self.given = LocalExecutor(workers), []

    def run(self, task, items, cancelled=lambda: False):
        items = list(items)
        self.given.extend(i.relative for i in items)
        return self.inner.run(task, items, cancelled)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """Run once over the corpus with 2 workers; (corpus, run folder, zoo, progress)."""
    base = tmp_path_factory.mktemp("local")
    zoo, corpus, run = make_zoo(base / "zoo"), make_corpus(base / "corpus"), base / "run"
    progress = run_corpus(classify_task(zoo, run), collect_inputs([corpus]), "model-a",
                          Ledger(run), LocalExecutor(workers=2))
    return corpus, run, zoo, progress


def test_every_input_gives_exactly_one_row(first_run):
    corpus, run, _zoo, progress = first_run
    rows = Ledger(run).file_rows().to_pylist()
    assert sorted(r["relative"] for r in rows) == sorted([*GOOD, *BAD])
    assert (progress.total, progress.done, progress.errors) == (6, 6, 3)
    status = {r["relative"]: (r["status"], r["reason"]) for r in rows}
    assert all(status[name] == ("ok", "") for name in GOOD)
    for name, reason in BAD.items():
        assert status[name][0] == "error" and status[name][1].startswith(reason)
    assert {r["kind"] for r in rows} == {"classify"}
    assert {r["model"] for r in rows} == {"tiny-classifier"}


def test_segment_rows_belong_to_the_ok_files(first_run):
    _corpus, run, _zoo, _progress = first_run
    ledger = Ledger(run)
    ok = {r["key"] for r in ledger.file_rows().to_pylist() if r["status"] == "ok"}
    segments = ledger.segment_rows().to_pylist()
    assert segments and {s["key"] for s in segments} == ok


def test_a_rerun_skips_the_files_done_and_runs_only_the_new_one(first_run, tmp_path):
    corpus, run, zoo, _progress = first_run
    run_copy, corpus_copy = tmp_path / "run", tmp_path / "corpus"
    shutil.copytree(run, run_copy)
    shutil.copytree(corpus, corpus_copy)
    sf.write(corpus_copy / "sub/new.wav", np.full(RATE // 2, 0.5, np.float32), RATE)
    executor = CountingExecutor(workers=1)
    progress = run_corpus(classify_task(zoo, run_copy), collect_inputs([corpus_copy]),
                          "model-a", Ledger(run_copy), executor)
    assert executor.given == ["sub/new.wav"]
    assert (progress.skipped, progress.done) == (6, 1)
    rows = Ledger(run_copy).file_rows().to_pylist()
    assert len(rows) == 7 and len({r["key"] for r in rows}) == 7


def test_retry_errors_redoes_only_the_error_rows_without_duplicates(first_run, tmp_path):
    corpus, run, zoo, _progress = first_run
    shutil.copytree(run, tmp_path / "run")
    executor = CountingExecutor(workers=1)
    run_corpus(classify_task(zoo, tmp_path / "run"), collect_inputs([corpus]), "model-a",
               Ledger(tmp_path / "run"), executor, retry_errors=True)
    assert sorted(executor.given) == sorted(BAD)
    assert len(Ledger(tmp_path / "run").file_rows()) == 6


def test_another_model_hash_runs_everything_again(first_run, tmp_path):
    corpus, run, zoo, _progress = first_run
    ledger = Ledger(run)
    items_done = ledger.done()
    from workbench.runtime.corpus.corpus_run import corpus_items

    items = corpus_items(collect_inputs([corpus]), "model-b")
    assert not {i.key for i in items} & items_done


def test_a_part_half_written_by_a_killed_run_is_ignored(first_run, tmp_path):
    _corpus, run, _zoo, _progress = first_run
    shutil.copytree(run, tmp_path / "run")
    ledger = Ledger(tmp_path / "run")
    # A kill between the segments part and the files part leaves segments only;
    # a kill inside a write leaves a .tmp file.
    segments = ledger.folder / "segments"
    orphan = sorted(segments.glob("*.parquet"))[0]
    shutil.copy(orphan, segments / ("99999999999999999999-1-000000.parquet"))
    (ledger.folder / "files" / "x.parquet.tmp").write_bytes(b"PAR1 torn")
    assert len(ledger.file_rows()) == 6
    assert ledger.segment_rows().num_rows == Ledger(run).segment_rows().num_rows


def test_a_file_that_kills_its_worker_gets_the_error_row_and_the_run_goes_on(tmp_path):
    from dataclasses import replace

    from tests.runtime.corpus.corpus_fixtures import classify_task as task_for
    from tests.runtime.corpus.crashing_task import crashing_classify_spec

    zoo, corpus, run = make_zoo(tmp_path / "zoo"), make_corpus(tmp_path / "corpus"), \
        tmp_path / "run"
    task = replace(task_for(zoo, run), spec=crashing_classify_spec())
    progress = run_corpus(task, collect_inputs([corpus]), "model-a", Ledger(run),
                          LocalExecutor(workers=2))
    rows = {r["relative"]: r for r in Ledger(run).file_rows().to_pylist()}
    assert sorted(rows) == sorted([*GOOD, *BAD]) and progress.done == 6
    assert rows["sub/quiet.wav"]["status"] == "error"  # silent: its worker died
    assert rows["sub/quiet.wav"]["reason"].startswith("worker died: BrokenProcessPool")
    assert rows["sub/quiet.wav"]["kind"] == "classify"
    assert rows["loud.wav"]["status"] == rows["sub/deep/mixed.flac"]["status"] == "ok"
    for name, reason in BAD.items():
        assert rows[name]["reason"].startswith(reason)


def test_a_cancelled_run_keeps_the_rows_done_and_a_rerun_finishes_it(first_run, tmp_path):
    corpus, _run, zoo, _progress = first_run
    run = tmp_path / "run"
    seen = []
    progress = run_corpus(classify_task(zoo, run), collect_inputs([corpus]), "model-a",
                          Ledger(run), LocalExecutor(workers=1),
                          on_progress=lambda p: seen.append(p.done),
                          cancelled=lambda: len(seen) >= 2)
    assert 2 <= progress.done < 6
    assert len(Ledger(run).file_rows()) == progress.done
    rerun = run_corpus(classify_task(zoo, run), collect_inputs([corpus]), "model-a",
                       Ledger(run), LocalExecutor(workers=1))
    assert (rerun.skipped, rerun.done) == (progress.done, 6 - progress.done)
    assert len(Ledger(run).file_rows()) == 6

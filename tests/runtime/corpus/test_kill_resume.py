"""kill -9 in the middle of a run, rerun: the ledger equals an uninterrupted run's,
with no duplicates."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.runtime.corpus.corpus_fixtures import classify_task, make_corpus
from tests.tiny_models import RATE, make_zoo
from workbench.runtime.corpus.corpus_run import corpus_items, run_corpus
from workbench.runtime.corpus.inputs import collect_inputs
from workbench.runtime.corpus.ledger import Ledger
from workbench.runtime.corpus.local_executor import LocalExecutor
from workbench.runtime.corpus.per_file import FileWorker

ROOT = Path(__file__).resolve().parents[3]


def _wait_until(condition, timeout_s, what):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_run_killed_mid_way_resumes_to_the_same_rows(tmp_path):
    zoo, corpus, run = make_zoo(tmp_path / "zoo"), make_corpus(tmp_path / "corpus"), \
        tmp_path / "run"
    rng = np.random.default_rng(3)
    (corpus / "more").mkdir()
    for i in range(14):  # 20 files in all, so the kill lands mid-run
        level = 0.1 * (i % 3)
        sf.write(corpus / "more" / f"{i:02d}.wav",
                 (rng.standard_normal(RATE // 4) * level).astype(np.float32), RATE)
    files = collect_inputs([corpus])
    assert len(files) == 20
    child = subprocess.Popen([sys.executable, "-m", "tests.runtime.corpus.kill_child",
                              str(zoo), str(corpus), str(run)], cwd=ROOT,
                             start_new_session=True, stderr=subprocess.PIPE)
    try:
        _wait_until(lambda: len(Ledger(run).file_rows()) >= 3 or child.poll() is not None,
                    120, "the first rows")
        os.killpg(child.pid, signal.SIGKILL)  # the run and its worker processes
    finally:
        child.wait(timeout=30)
        child.stderr.close()
    killed_at = len(Ledger(run).file_rows())
    assert 3 <= killed_at <= 5, "the kill did not land mid-run"
    progress = run_corpus(classify_task(zoo, run), files, "model-a", Ledger(run),
                          LocalExecutor(workers=1))
    assert (progress.skipped, progress.done) == (killed_at, 20 - killed_at)
    rows = Ledger(run).file_rows().to_pylist()
    assert len(rows) == 20 and len({r["key"] for r in rows}) == 20
    worker = FileWorker(classify_task(zoo, run))
    segments = Ledger(run).segment_rows().to_pylist()
    for item in corpus_items(files, "model-a"):
        expected = worker.process(item)
        row = next(r for r in rows if r["key"] == item.key)
        assert (row["status"], row["reason"], row["text"]) == \
            (expected.row["status"], expected.row["reason"], expected.row["text"])
        assert len([s for s in segments if s["key"] == item.key]) == len(expected.segments)

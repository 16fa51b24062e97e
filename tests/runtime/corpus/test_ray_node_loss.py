"""A worker node of a real two-node Ray cluster dies mid-run: the run completes with
every file present exactly once, each row the same as the per-file function gives."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.runtime.corpus.corpus_fixtures import classify_task, make_corpus
from tests.tiny_models import RATE, make_zoo
from workbench.runtime.corpus.corpus_run import corpus_items
from workbench.runtime.corpus.inputs import collect_inputs
from workbench.runtime.corpus.per_file import FileWorker

ROOT = Path(__file__).resolve().parents[3]
pytest.importorskip("ray", reason="ray is not installed (the optional extra 'corpus')")


def test_losing_a_worker_node_mid_run_loses_no_file_and_duplicates_none(tmp_path):
    zoo, corpus, run = make_zoo(tmp_path / "zoo"), make_corpus(tmp_path / "corpus"), \
        tmp_path / "run"
    rng = np.random.default_rng(1)
    (corpus / "more").mkdir()
    for i in range(24):  # 30 files in all, so the node is lost with most still to do
        sf.write(corpus / "more" / f"{i:02d}.wav",
                 (rng.standard_normal(RATE * 2) * 0.1 * (i % 3)).astype(np.float32), RATE)
    files = collect_inputs([corpus])
    out = subprocess.run([sys.executable, "-m", "tests.runtime.corpus.ray_two_node_child",
                          str(zoo), str(corpus), str(run), str(tmp_path / "result.json")],
                         capture_output=True, text=True,
                         cwd=ROOT, timeout=400)
    if out.returncode == 77:
        pytest.skip(f"ray cannot start on this machine: {out.stderr.strip()[-300:]}")
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads((tmp_path / "result.json").read_text())
    assert got["killed_at"] is not None and got["killed_at"] < len(files), \
        "the worker node was not removed mid-run"
    keys = [r["key"] for r in got["files"]]
    assert len(keys) == len(set(keys)) == len(files) == 30
    worker = FileWorker(classify_task(zoo, run))
    for item in corpus_items(files, "model-a"):
        expected = worker.process(item)
        row = next(r for r in got["files"] if r["key"] == item.key)
        assert (row["status"], row["reason"], row["text"]) == \
            (expected.row["status"], expected.row["reason"], expected.row["text"])

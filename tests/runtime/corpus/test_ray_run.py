"""The Ray executor on a real local Ray cluster (two fractional-CPU actors): the same
rows as the per-file function gives in-process, one per input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.runtime.corpus.corpus_fixtures import BAD, GOOD, classify_task, make_corpus
from tests.tiny_models import make_zoo
from workbench.runtime.corpus.corpus_run import corpus_items
from workbench.runtime.corpus.inputs import collect_inputs
from workbench.runtime.corpus.per_file import FileWorker

ROOT = Path(__file__).resolve().parents[3]
pytest.importorskip("ray", reason="ray is not installed (the optional extra 'corpus')")


def test_a_ray_run_gives_the_same_rows_as_the_per_file_function(tmp_path):
    zoo, corpus, run = make_zoo(tmp_path / "zoo"), make_corpus(tmp_path / "corpus"), \
        tmp_path / "run"
    out = subprocess.run([sys.executable, "-m", "tests.runtime.corpus.ray_child", str(zoo),
                          str(corpus), str(run)], capture_output=True, text=True, cwd=ROOT,
                         timeout=240)
    if out.returncode == 77:
        pytest.skip(f"ray cannot start on this machine: {out.stderr.strip()[-300:]}")
    assert out.returncode == 0, out.stderr[-3000:]
    got = json.loads(out.stdout)
    assert sorted(r["relative"] for r in got["files"]) == sorted([*GOOD, *BAD])
    worker = FileWorker(classify_task(zoo, run))
    for item in corpus_items(collect_inputs([corpus]), "model-a"):
        expected = worker.process(item)
        row = next(r for r in got["files"] if r["key"] == item.key)
        assert (row["status"], row["reason"], row["text"]) == \
            (expected.row["status"], expected.row["reason"], expected.row["text"])
        segments = [{k: s[k] for k in ("index", "start", "end", "label", "confidence")}
                    for s in got["segments"] if s["key"] == item.key]
        assert sorted(segments, key=lambda s: s["index"]) == \
            [{k: s[k] for k in ("index", "start", "end", "label", "confidence")}
             for s in expected.segments]

"""The corpus run as a job task: progress per file, the final progress, cancel."""

import pytest

from tests.runtime.corpus.corpus_fixtures import BAD, GOOD, make_corpus
from tests.tiny_models import make_zoo, tiny_classify_spec
from workbench.core.jobs import Cancelled, CancelToken, run_to_completion
from workbench.runtime.corpus.corpus_job import CorpusRunRequest, corpus_job
from workbench.runtime.corpus.ledger import Ledger


def test_the_job_reports_each_file_and_returns_the_final_progress(tmp_path):
    zoo, corpus = make_zoo(tmp_path / "zoo"), make_corpus(tmp_path / "corpus")
    request = CorpusRunRequest("classify", (corpus,), tmp_path / "run", zoo, workers=1,
                               spec=tiny_classify_spec())
    seen = []
    final = run_to_completion(corpus_job(request), on_progress=seen.append)
    assert (final.total, final.done, final.errors) == (6, 6, 3)
    assert seen[-1].fraction == 1.0 and seen[-1].message == "6/6 files, 3 errors"
    assert len(Ledger(tmp_path / "run").file_rows()) == len(GOOD) + len(BAD)


def test_a_cancelled_job_ends_cancelled_and_keeps_its_rows(tmp_path):
    zoo, corpus = make_zoo(tmp_path / "zoo"), make_corpus(tmp_path / "corpus")
    request = CorpusRunRequest("classify", (corpus,), tmp_path / "run", zoo, workers=1,
                               spec=tiny_classify_spec())
    cancel = CancelToken()
    with pytest.raises(Cancelled):
        run_to_completion(corpus_job(request), cancel,
                          on_progress=lambda p: p.fraction and cancel.set())
    assert 1 <= len(Ledger(tmp_path / "run").file_rows()) < 6

"""The corpus run as a job task: a child `workbench batch`, its progress, cancel."""

import pytest

from tests.runtime.corpus.corpus_fixtures import BAD, GOOD, make_corpus
from tests.tiny_models import make_zoo
from workbench.core.jobs import Cancelled, CancelToken, run_to_completion
from workbench.runtime.corpus.corpus_job import CorpusRunError, CorpusRunRequest, corpus_job
from workbench.runtime.corpus.ledger import Ledger

CHILD = "tests.runtime.corpus.batch_child"


@pytest.fixture
def request_for(tmp_path):
    zoo, corpus = make_zoo(tmp_path / "zoo"), make_corpus(tmp_path / "corpus")
    return lambda **kw: CorpusRunRequest("classify", (corpus,), tmp_path / "run", zoo,
                                         workers=1, module=CHILD, **kw)


def test_the_job_reports_progress_and_returns_the_counts(request_for, tmp_path):
    seen = []
    outcome = run_to_completion(corpus_job(request_for()), on_progress=seen.append)
    assert (outcome.done, outcome.total, outcome.errors) == (6, 6, 3)
    assert seen[-1].fraction == 1.0 and seen[-1].message == "6/6 files, 3 errors"
    assert len(Ledger(tmp_path / "run").file_rows()) == len(GOOD) + len(BAD)


def test_a_cancelled_job_stops_the_run_and_keeps_whole_rows(request_for, tmp_path):
    cancel = CancelToken()
    with pytest.raises(Cancelled):
        run_to_completion(corpus_job(request_for()), cancel,
                          on_progress=lambda p: p.fraction is not None and cancel.set())
    rows = Ledger(tmp_path / "run").file_rows()
    assert len(rows) == len({*rows.column("key").to_pylist()}) <= 6


def test_a_run_that_cannot_start_raises_with_its_message(request_for):
    with pytest.raises(CorpusRunError, match="unknown model|no-such"):
        run_to_completion(corpus_job(request_for(model="no-such")))

"""Run the classify corpus with one worker, writing the ledger after every file
(run by test_kill_resume.py, which kills this process group with SIGKILL mid-run).

After STALL_AFTER files the run stops taking results and waits to be killed, with the
worker pool still alive and files in flight: on a fast machine the whole corpus would
otherwise finish before the test's kill lands."""

import sys
import time
from pathlib import Path

from tests.runtime.corpus.corpus_fixtures import classify_task
from workbench.runtime.corpus.corpus_run import run_corpus
from workbench.runtime.corpus.inputs import collect_inputs
from workbench.runtime.corpus.ledger import Ledger
from workbench.runtime.corpus.local_executor import LocalExecutor

STALL_AFTER = 5


class StallingExecutor(LocalExecutor):
    def run(self, task, items, cancelled=lambda: False):
        for n, outcome in enumerate(super().run(task, items, cancelled), 1):
            yield outcome
            if n == STALL_AFTER:
                time.sleep(3600)


if __name__ == "__main__":
    zoo, corpus, run = map(Path, sys.argv[1:4])
    run_corpus(classify_task(zoo, run), collect_inputs([corpus]), "model-a", Ledger(run),
               StallingExecutor(workers=1), flush_rows=1)

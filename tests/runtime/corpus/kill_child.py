"""Run the classify corpus with one worker, writing the ledger after every file
(run by test_kill_resume.py, which kills this process group with SIGKILL mid-run)."""

import sys
from pathlib import Path

from tests.runtime.corpus.corpus_fixtures import classify_task
from workbench.runtime.corpus.corpus_run import run_corpus
from workbench.runtime.corpus.inputs import collect_inputs
from workbench.runtime.corpus.ledger import Ledger
from workbench.runtime.corpus.local_executor import LocalExecutor

if __name__ == "__main__":
    zoo, corpus, run = map(Path, sys.argv[1:4])
    run_corpus(classify_task(zoo, run), collect_inputs([corpus]), "model-a", Ledger(run),
               LocalExecutor(workers=1), flush_rows=1)

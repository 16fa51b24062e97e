"""Run the classify corpus on a local Ray cluster and print the rows as JSON
(run by test_ray_run.py in its own process, so Ray's threads and processes end with it).

Exit 77 with a message when Ray cannot start on this machine.
"""

import json
import sys
from pathlib import Path

from tests.runtime.corpus.corpus_fixtures import classify_task
from workbench.runtime.corpus.corpus_run import run_corpus
from workbench.runtime.corpus.executor_errors import ExecutorError
from workbench.runtime.corpus.inputs import collect_inputs
from workbench.runtime.corpus.ledger import Ledger
from workbench.runtime.corpus.ray_executor import RayExecutor


def main(zoo: str, corpus: str, run: str) -> int:
    try:
        run_corpus(classify_task(Path(zoo), Path(run)), collect_inputs([Path(corpus)]),
                   "model-a", Ledger(Path(run)), RayExecutor(actors=2))
    except ExecutorError as exc:
        print(f"RAY CANNOT START: {exc}", file=sys.stderr)
        return 77
    ledger = Ledger(Path(run))
    print(json.dumps({"files": ledger.file_rows().to_pylist(),
                      "segments": ledger.segment_rows().to_pylist()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

"""`workbench batch` with the tiny test classifier in place of the shipped one
(what the corpus job runs in tests: `python -m tests.runtime.corpus.batch_child ...`)."""

import sys

from tests.tiny_models import tiny_classify_spec
from workbench import cli
from workbench.ml.model_tasks import MODEL_TASKS

if __name__ == "__main__":
    MODEL_TASKS["classify"] = tiny_classify_spec()
    sys.exit(cli.main(sys.argv[1:]))

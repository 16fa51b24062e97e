"""A corpus run as a job task (core.jobs): what the GUI submits to its JobRunner.

Everything that is slow or imports torch (finding the model, hashing the files,
the run itself) happens inside the task, on the runner's worker thread.  The task
yields Progress after each file and stops the run on cancel, keeping the rows done.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.core.jobs import CancelToken, Progress, Task, TaskGenerator
from workbench.runtime.corpus.corpus_run import CorpusProgress, corpus_steps, model_hash
from workbench.runtime.corpus.inputs import collect_inputs
from workbench.runtime.corpus.ledger import Ledger
from workbench.runtime.corpus.per_file import CorpusTask, task_for_worker


@dataclass(frozen=True)
class CorpusRunRequest:
    """What the user asked for: a model kind over `inputs`, results into `out_dir`.

    `spec` None means ml.model_tasks.MODEL_TASKS[kind]; `workers` None one per core.
    """

    kind: str
    inputs: tuple[Path, ...]
    out_dir: Path
    zoo: Path
    model: str | None = None
    workers: int | None = None
    spec: object = None


def corpus_job(request: CorpusRunRequest) -> Task:
    """The task of `request`; it returns the final CorpusProgress."""
    def run(cancel: CancelToken) -> TaskGenerator:
        yield Progress(None, "Finding the model and the files…")
        task, key = _prepare(request)
        files = collect_inputs(request.inputs, exclude=request.out_dir)
        from workbench.runtime.corpus.local_executor import LocalExecutor

        steps = corpus_steps(task, files, key, Ledger(request.out_dir),
                             LocalExecutor(request.workers), cancelled=lambda: cancel.is_set)
        while True:
            try:
                progress = next(steps)
            except StopIteration as stop:
                cancel.check()  # a cancelled run ends as cancelled; its rows are kept
                return stop.value
            yield Progress(_fraction(progress), _message(progress))

    return run


def _prepare(request: CorpusRunRequest) -> tuple[CorpusTask, str]:
    from workbench.ml.model_tasks import MODEL_TASKS, find_model
    from workbench.ml.zoo import ModelZoo

    spec = request.spec or MODEL_TASKS[request.kind]
    entry = find_model(ModelZoo(request.zoo), spec, request.model)
    task = task_for_worker(CorpusTask(request.kind, spec, request.zoo, entry.name,
                                      request.out_dir))
    return task, model_hash(task, entry.weights_path)


def _fraction(p: CorpusProgress) -> float:
    return (p.done + p.skipped) / p.total if p.total else 1.0


def _message(p: CorpusProgress) -> str:
    return f"{p.done + p.skipped}/{p.total} files, {p.errors} errors"

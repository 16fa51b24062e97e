"""The default executor: a process pool on this machine, the model loaded once per
worker process.  It never imports ray.

Workers are started with "spawn" (torch's thread pools do not survive a fork), each
runs `FileWorker.process` over the files it is given, with torch limited to its share
of the cores.  The executor owns the pool and shuts it down before `run` returns.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from multiprocessing import get_context

from workbench.runtime.corpus.per_file import CorpusItem, CorpusTask, FileOutcome, FileWorker

_worker: FileWorker | None = None


def _start_worker(task: CorpusTask, torch_threads: int) -> None:
    global _worker  # one per worker process: the model stays loaded across files
    _worker = FileWorker(task, torch_threads)


def _process(item: CorpusItem) -> FileOutcome:
    assert _worker is not None
    return _worker.process(item)


class LocalExecutor:
    """`run(task, items)` yields one FileOutcome per item, in completion order."""

    def __init__(self, workers: int | None = None) -> None:
        cores = os.cpu_count() or 1
        self.workers = max(1, workers if workers else cores)
        self._threads = max(1, cores // self.workers)

    def run(self, task: CorpusTask, items: Iterable[CorpusItem],
            cancelled: Callable[[], bool] = lambda: False) -> Iterator[FileOutcome]:
        items = list(items)
        if not items:
            return
        pool = ProcessPoolExecutor(max_workers=min(self.workers, len(items)),
                                   mp_context=get_context("spawn"),
                                   initializer=_start_worker, initargs=(task, self._threads))
        try:
            yield from self._drain(pool, items, cancelled)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _drain(self, pool: ProcessPoolExecutor, items: list[CorpusItem],
               cancelled: Callable[[], bool]) -> Iterator[FileOutcome]:
        # A bounded window of submitted files: cancel stops after those in flight.
        window = 2 * self.workers
        pending: dict[Future, CorpusItem] = {}
        queue = iter(items)
        while True:
            while len(pending) < window and not cancelled():
                item = next(queue, None)
                if item is None:
                    break
                pending[pool.submit(_process, item)] = item
            if not pending:
                return
            finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in finished:
                item = pending.pop(future)
                yield _outcome(future, item)


def _outcome(future: Future, item: CorpusItem) -> FileOutcome:
    try:
        return future.result()
    except Exception as exc:  # the worker process died (crash, out of memory)
        return FileOutcome(worker_failure_row(item, exc), [])


def worker_failure_row(item: CorpusItem, exc: BaseException) -> dict:
    """The error row of a file whose worker died under it."""
    return {"key": item.key, "content_hash": item.content_hash, "path": item.path,
            "relative": item.relative, "status": "error",
            "reason": f"worker failed: {type(exc).__name__}: {exc}"}

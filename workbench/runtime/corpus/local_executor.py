"""The default executor: a process pool on this machine, the model loaded once per
worker process.  It never imports ray.

Workers are started with "spawn" (torch's thread pools do not survive a fork), each
runs `FileWorker.process` over the files it is given, with torch limited to its share
of the cores.  A worker that dies (a crash in native code, out of memory) breaks the
pool: the files then in flight are retried one at a time in a fresh pool, so only the
file that kills a worker on its own gets the error row.  The executor owns its pools
and shuts each down before `run` returns.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
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
    """`run(task, items)` yields one FileOutcome per item, in completion order.

    Each worker's torch gets an equal share of the cores unless `threads` says how
    many (the benchmark's one-core worker, to measure scaling from one worker to two).
    """

    def __init__(self, workers: int | None = None, threads: int | None = None) -> None:
        cores = os.cpu_count() or 1
        self.workers = max(1, workers if workers else cores)
        self._threads = max(1, threads if threads else cores // self.workers)

    def run(self, task: CorpusTask, items: Iterable[CorpusItem],
            cancelled: Callable[[], bool] = lambda: False) -> Iterator[FileOutcome]:
        queue, suspects = deque(items), deque()
        while (queue or suspects) and not cancelled():
            size = 1 if suspects else min(self.workers, len(queue))
            pool = ProcessPoolExecutor(max_workers=size, mp_context=get_context("spawn"),
                                       initializer=_start_worker,
                                       initargs=(task, self._threads))
            try:
                if suspects:
                    yield from self._one_suspect(pool, suspects.popleft())
                else:
                    yield from self._drain(pool, queue, suspects, cancelled)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)

    def _one_suspect(self, pool: ProcessPoolExecutor, item: CorpusItem
                     ) -> Iterator[FileOutcome]:
        """A file that was in flight when a worker died, run alone."""
        try:
            yield pool.submit(_process, item).result()
        except BrokenProcessPool as exc:
            yield FileOutcome(worker_failure_row(item, exc), [])

    def _drain(self, pool: ProcessPoolExecutor, queue: deque, suspects: deque,
               cancelled: Callable[[], bool]) -> Iterator[FileOutcome]:
        """Run `queue` in `pool` until done, cancelled, or a worker dies (its files in
        flight then move to `suspects`).  A bounded window of submitted files: after a
        cancel, `run` returns once the files being processed are done (the pool's
        shutdown waits for them), within half a second when none is."""
        window = 2 * self.workers
        pending: dict[Future, CorpusItem] = {}
        while True:
            while queue and len(pending) < window and not cancelled():
                try:  # a worker that died between two files breaks the pool here
                    pending[pool.submit(_process, queue[0])] = queue[0]
                except BrokenProcessPool:
                    suspects.extend(pending.values())
                    return
                queue.popleft()
            if not pending:
                return
            finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in finished:
                item = pending.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    suspects.extend([item, *pending.values()])
                    return
            if cancelled():  # the files still in flight finish, unrecorded: a rerun redoes them
                return


def worker_failure_row(item: CorpusItem, exc: BaseException) -> dict:
    """The error row of a file whose worker process died under it."""
    return {"key": item.key, "content_hash": item.content_hash, "path": item.path,
            "relative": item.relative, "status": "error",
            "reason": f"worker died: {type(exc).__name__}: {exc}"}

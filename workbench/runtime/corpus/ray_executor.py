"""The Ray executor: Ray Data `map_batches` over the file list, with an actor pool in
which each actor holds the model (a FileWorker) for all the files it is given.

The only module that imports ray, and only inside its functions.  Files are decoded
inside the per-file function, never by `ray.data.read_audio` (which reads whole
files and has no per-file error path), and the run does not rely on
`max_errored_blocks` (which drops a failed block's good files): the per-file function
never raises, so every file comes back as one row.  Actors get fractional CPUs,
leaving room for Ray Data's own tasks (Ray issue 44687: on 2 cores, two actors of
one CPU each leave none and the job hangs).  `--ray` alone starts a local cluster on
the loopback address and stops it at the end; `--ray ADDRESS` (or RAY_ADDRESS) joins
an existing cluster and leaves it running.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict

import numpy as np

from workbench.runtime.corpus.executor_errors import ExecutorError
from workbench.runtime.corpus.per_file import CorpusItem, CorpusTask, FileOutcome, FileWorker

# Left to Ray Data's own tasks (reading the file list, moving blocks) on every cluster.
RESERVED_CPUS = 0.5


class CorpusActor:
    """One actor of the pool: the model loaded once, then one file per call."""

    def __init__(self, task: CorpusTask, torch_threads: int) -> None:
        self._worker = FileWorker(task, torch_threads)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        rows, segments = [], []
        for i in range(len(batch["key"])):
            item = CorpusItem(**{name: str(batch[name][i]) for name in _ITEM_FIELDS})
            outcome = self._worker.process(item)
            rows.append(json.dumps(outcome.row))
            segments.append(json.dumps(outcome.segments))
        return {"row": np.array(rows, dtype=object), "segments": np.array(segments, dtype=object)}


_ITEM_FIELDS = ("path", "relative", "key", "content_hash")


class RayExecutor:
    """`run(task, items)` yields one FileOutcome per item, in completion order.

    `address` None starts a local cluster (stopped again when the run ends);
    `actors` defaults to the cluster's CPU count.
    """

    def __init__(self, address: str | None = None, actors: int | None = None) -> None:
        self.address, self.actors = address, actors

    def run(self, task: CorpusTask, items: Iterable[CorpusItem],
            cancelled: Callable[[], bool] = lambda: False) -> Iterator[FileOutcome]:
        items = list(items)
        if not items:
            return
        import ray

        started_here = self._connect(ray)
        try:
            for row in self._dataset(ray, task, items).iter_rows():
                yield FileOutcome(json.loads(row["row"]), json.loads(row["segments"]))
                if cancelled():
                    return
        finally:
            if started_here:
                ray.shutdown()

    def _connect(self, ray) -> bool:
        """Join the cluster (True when this run started it and must stop it)."""
        if ray.is_initialized():
            return False
        kwargs = dict(include_dashboard=False, log_to_driver=False,
                      configure_logging=False)
        try:
            if self.address:
                ray.init(address=self.address, **kwargs)
                return False
            ray.init(address="local", num_cpus=os.cpu_count() or 1,
                     _node_ip_address="127.0.0.1", **kwargs)
            return True
        except Exception as exc:  # Ray reports a failed start or join in many types
            where = self.address or "a local cluster"
            raise ExecutorError(f"cannot start or join Ray ({where}): "
                                f"{type(exc).__name__}: {exc}") from exc

    def _dataset(self, ray, task: CorpusTask, items: list[CorpusItem]):
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.print_on_execution_start = False
        resources = ray.cluster_resources()
        cpus = float(resources.get("CPU", 1.0))
        actors = max(1, min(self.actors or int(cpus), len(items)))
        per_actor = max(0.05, min(1.0, (cpus - RESERVED_CPUS) / actors))
        gpus = float(resources.get("GPU", 0.0))
        wants_gpu = gpus > 0 and task.device not in ("cpu",)
        dataset = ray.data.from_items([asdict(item) for item in items],
                                      override_num_blocks=len(items))
        return dataset.map_batches(
            CorpusActor, fn_constructor_kwargs={"task": task,
                                                "torch_threads": max(1, int(per_actor))},
            batch_size=1, batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=per_actor, num_gpus=min(1.0, gpus / actors) if wants_gpu else None)

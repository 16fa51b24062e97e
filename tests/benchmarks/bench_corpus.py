"""Corpus runs: files/hour of the local executor against a plain single-process loop,
for each of the three models, and how the pool scales from one worker to two.

The same 200 synthesized 10 s files (16 kHz; speech-like tones, noise, silence) go
through each shipped model (classifier, recognizer, enhancer) three times: in a plain
loop in this process (one FileWorker, the model loaded once, torch on every core), and
through `run_corpus` with the local process pool of 2 workers and of 1 worker, one
core's torch each (spawn start-up included in both).
Targets (issue 18): files/hour >= 1.8x the loop; 1 -> 2 workers at >= 80% efficiency
(files/hour of 2 workers >= 1.6x that of 1); first row within 2 s of start; the
executor's own memory (this process's resident growth while the pool runs, the worker
processes not counted) <= 300 MiB.
Run directly: `python -m tests.benchmarks.bench_corpus [classify transcribe enhance]`.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.benchmarks.harness import Metric

FILES, SECONDS, RATE = 200, 10, 16000
KINDS = ("classify", "transcribe", "enhance")


def _corpus(folder: Path) -> None:
    rng = np.random.default_rng(0)
    t = np.arange(RATE * SECONDS) / RATE
    for i in range(FILES):
        kind = i % 3
        if kind == 0:
            data = 0.2 * np.sin(2 * np.pi * (120 + i) * t) * (np.sin(2 * np.pi * 3 * t) > 0)
        elif kind == 1:
            data = 0.1 * rng.standard_normal(len(t))
        else:
            data = np.zeros(len(t))
        sf.write(folder / f"{i:03d}.wav", data.astype(np.float32), RATE, subtype="PCM_16")


def _resident_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class _PeakResident:
    """This process's largest resident size while the block runs (sampled every 20 ms)."""

    def __enter__(self):
        self.before = self.peak = _resident_mib()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._done.wait(0.02):
            self.peak = max(self.peak, _resident_mib())

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join()

    @property
    def growth(self) -> float:
        return self.peak - self.before


def _model_metrics(kind: str, base: Path) -> list[Metric]:
    from workbench.core import paths
    from workbench.ml.model_tasks import MODEL_TASKS, find_model
    from workbench.ml.zoo import ModelZoo
    from workbench.runtime.corpus.corpus_run import corpus_items, run_corpus
    from workbench.runtime.corpus.inputs import collect_inputs
    from workbench.runtime.corpus.ledger import Ledger
    from workbench.runtime.corpus.local_executor import LocalExecutor
    from workbench.runtime.corpus.per_file import CorpusTask, FileWorker

    spec, zoo = MODEL_TASKS[kind], paths.models_dir()
    task = CorpusTask(kind, spec, zoo, find_model(ModelZoo(zoo), spec).name, base / kind)
    files = collect_inputs([base / "corpus"])
    started = time.monotonic()
    worker = FileWorker(task, os.cpu_count() or 1)
    for item in corpus_items(files, "loop"):
        worker.process(item)
    loop_s = time.monotonic() - started

    def pool(workers: int, first: list[float]) -> float:
        started = time.monotonic()  # each worker one core, as the pool gives them on 2 cores
        run_corpus(task, files, f"pool{workers}", Ledger(base / f"{kind}-run{workers}"),
                   LocalExecutor(workers, threads=1),
                   on_progress=lambda p: first or first.append(time.monotonic() - started))
        return time.monotonic() - started

    first: list[float] = []
    with _PeakResident() as memory:
        two_s = pool(2, first)
    one_s = pool(1, [])
    loop_rate, two_rate, one_rate = (3600 * FILES / s for s in (loop_s, two_s, one_s))
    metrics = [
        Metric(f"corpus {kind}: pool of 2 files/hour", two_rate, "files/h",
               "single-process loop", loop_rate, ">= 1.8x peer", two_rate >= 1.8 * loop_rate),
        Metric(f"corpus {kind}: 1 -> 2 workers files/hour", two_rate, "files/h",
               "pool of 1 worker", one_rate, ">= 1.6x peer (80% efficiency)",
               two_rate >= 1.6 * one_rate),
    ]
    if kind == "classify":
        metrics += [
            Metric("corpus: first row after start", first[0], "s", "target", 2.0, "<= 2 s",
                   first[0] <= 2.0),
            Metric("corpus: executor memory beyond the workers", memory.growth, "MiB",
                   "target", 300.0, "<= 300 MiB", memory.growth <= 300.0),
        ]
    return metrics


def run(kinds: tuple[str, ...] = KINDS) -> list[Metric]:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "corpus").mkdir()
        _corpus(base / "corpus")
        return [m for kind in kinds for m in _model_metrics(kind, base)]


if __name__ == "__main__":
    from tests.benchmarks.harness import print_table

    print_table(run(tuple(sys.argv[1:]) or KINDS))
    sys.exit(0)

"""Corpus runs: files/hour of the local executor against a plain single-process loop.

The same 200 synthesized 5 s files (16 kHz; speech-like tones, noise, silence) go
through the shipped classifier twice: once in a plain loop in this process (one
FileWorker, the model loaded once, torch on every core), once through
`run_corpus` with the local process pool of 2 workers (spawn start-up included).
Targets (issue 18): files/hour >= 1.8x the loop; first row within 2 s of start; the
executor's own memory (this process's resident growth while the pool runs, the worker
processes not counted) <= 300 MiB.
Run directly: `python -m tests.benchmarks.bench_corpus`.
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

FILES, SECONDS, RATE = 200, 5, 16000


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


def run() -> list[Metric]:
    from workbench.core import paths
    from workbench.ml.model_tasks import MODEL_TASKS, find_model
    from workbench.ml.zoo import ModelZoo
    from workbench.runtime.corpus.corpus_run import corpus_items, run_corpus
    from workbench.runtime.corpus.inputs import collect_inputs
    from workbench.runtime.corpus.ledger import Ledger
    from workbench.runtime.corpus.local_executor import LocalExecutor
    from workbench.runtime.corpus.per_file import CorpusTask, FileWorker

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        (base / "corpus").mkdir()
        _corpus(base / "corpus")
        spec, zoo = MODEL_TASKS["classify"], paths.models_dir()
        task = CorpusTask("classify", spec, zoo, find_model(ModelZoo(zoo), spec).name,
                          base / "out")
        files = collect_inputs([base / "corpus"])
        started = time.monotonic()
        worker = FileWorker(task, os.cpu_count() or 1)
        for item in corpus_items(files, "loop"):
            worker.process(item)
        loop_s = time.monotonic() - started
        first: list[float] = []
        started = time.monotonic()
        with _PeakResident() as memory:
            run_corpus(task, files, "pool", Ledger(base / "run"), LocalExecutor(2),
                       on_progress=lambda p: first or first.append(time.monotonic() - started))
        pool_s = time.monotonic() - started
    loop_rate, pool_rate = 3600 * FILES / loop_s, 3600 * FILES / pool_s
    return [
        Metric("corpus: local pool files/hour (classifier)", pool_rate, "files/h",
               "single-process loop", loop_rate, ">= 1.8x peer", pool_rate >= 1.8 * loop_rate),
        Metric("corpus: first row after start", first[0], "s", "target", 2.0, "<= 2 s",
               first[0] <= 2.0),
        Metric("corpus: executor memory beyond the workers", memory.growth, "MiB", "target",
               300.0, "<= 300 MiB", memory.growth <= 300.0),
    ]


if __name__ == "__main__":
    from tests.benchmarks.harness import print_table

    print_table(run())
    sys.exit(0)

"""CPU against CUDA: each shipped model's task over the same 2 minutes of audio (the demo
recording repeated), timed on the CPU (torch on every core) and on the first CUDA device
after one warm-up run there.  Without a CUDA device it measures nothing and says so.
Run directly: `python -m tests.benchmarks.bench_gpu`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.benchmarks.harness import Metric

DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "demo.flac"
SECONDS = 120


def _timed(kind: str, audio: np.ndarray, rate: int, device: str) -> float:
    from workbench.core import paths
    from workbench.core.jobs import CancelToken
    from workbench.ml.model_tasks import MODEL_TASKS, run_model_task
    from workbench.ml.zoo import ModelZoo

    started = time.monotonic()
    task = run_model_task(MODEL_TASKS[kind], audio, rate, CancelToken(),
                          zoo=ModelZoo(paths.models_dir()), device=device)
    for _ in task:
        pass
    return time.monotonic() - started


def run() -> list[Metric]:
    import torch

    if not torch.cuda.is_available():
        print("bench_gpu: no CUDA device, nothing measured", file=sys.stderr)
        return []
    demo, rate = sf.read(DEMO, dtype="float32", always_2d=True)
    audio = np.tile(demo, (int(np.ceil(SECONDS * rate / len(demo))), 1))[:SECONDS * rate]
    metrics = []
    for kind in ("classify", "transcribe", "enhance"):
        _timed(kind, audio[: 5 * rate], rate, "cuda")  # CUDA context, cuDNN plans
        gpu = _timed(kind, audio, rate, "cuda")
        cpu = _timed(kind, audio, rate, "cpu")
        metrics.append(Metric(f"{kind}: {SECONDS} s of audio on CUDA", gpu, "s",
                              "the CPU, same run", cpu, "<= 1x peer", gpu <= cpu))
    return metrics


if __name__ == "__main__":
    from tests.benchmarks.harness import print_table

    print_table(run())
    sys.exit(0)

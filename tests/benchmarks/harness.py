"""Benchmark bookkeeping: metrics against a peer measured in the same run.

Each metric has a value, the peer's value, their ratio and the target it is
judged against.  `make bench` prints them as a table and writes
.bench/results.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / ".bench"
HOUR_FILE = BENCH_DIR / "hour-48k-stereo-16bit.wav"


@dataclass
class Metric:
    name: str
    value: float
    unit: str
    peer: str
    peer_value: float
    target: str  # human-readable target, e.g. "<= 1.0x peer and <= 1000 ms"
    met: bool

    @property
    def ratio(self) -> float:
        return self.value / self.peer_value if self.peer_value else float("inf")


def hour_file() -> Path:
    """A 1-hour 48 kHz stereo 16-bit WAV (made once, ~690 MB, kept in .bench/)."""
    if HOUR_FILE.exists():
        return HOUR_FILE
    BENCH_DIR.mkdir(exist_ok=True)
    rate, minute = 48000, 48000 * 60
    rng = np.random.default_rng(0)
    tmp = HOUR_FILE.with_suffix(".part")
    with sf.SoundFile(tmp, "w", rate, 2, "PCM_16", format="WAV") as f:
        for m in range(60):
            t = (np.arange(minute) + m * minute) / rate
            tone = 0.3 * np.sin(2 * np.pi * (220 + 5 * m) * t) * (0.5 + 0.5 * np.sin(t / 7))
            noise = rng.standard_normal((minute, 2)) * 0.05
            block = (noise + tone[:, None]).astype(np.float32)
            block[rng.integers(0, minute, 3)] = 0.95  # a few spikes
            f.write(block)
    os.replace(tmp, HOUR_FILE)
    return HOUR_FILE


def run_script(code: str, *args: str, timeout: int = 600) -> dict:
    """Run a measurement in a fresh Python process; it prints one JSON line last."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         timeout=timeout, env=env, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"benchmark script failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def p95(values) -> float:
    return float(np.percentile(np.asarray(values), 95))


def print_table(metrics: list[Metric]) -> None:
    header = f"{'metric':44} {'value':>12} {'peer':>30} {'ratio':>7}  {'target':34} ok"
    print(header)
    print("-" * len(header))
    for m in metrics:
        print(f"{m.name:44} {m.value:10.2f} {m.unit:<2}"
              f"{m.peer[:18]:>19} {m.peer_value:9.2f}  {m.ratio:7.3f}  {m.target:34} "
              f"{'yes' if m.met else 'NO'}")


def write_results(metrics: list[Metric]) -> Path:
    BENCH_DIR.mkdir(exist_ok=True)
    path = BENCH_DIR / "results.json"
    rows = [{**asdict(m), "ratio": m.ratio} for m in metrics]
    path.write_text(json.dumps(rows, indent=2))
    return path

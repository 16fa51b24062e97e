"""Spectrogram benchmarks: tiles for a visible view, and STFT throughput.

Targets (product issue): on a 1-hour 48 kHz stereo file, the tiles of a
1600-pixel-wide view are ready within 100 ms, and the STFT runs at least as
fast as plain numpy rfft framing of the same frames.

bench_view_tiles and bench_stft_throughput return dicts of numbers,
measured after one warm-up run.  "single" numbers call compute_tile one
tile after another on this thread; "pool" numbers submit the same tiles to
a JobRunner's CPU pool (one thread per core by default), which is how the
view computes them.  run() measures both in fresh processes on the
harness's hour file and returns Metrics for `make bench`.  Run directly:
`python -m tests.benchmarks.bench_spectrogram [hour.wav]`.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

from workbench.core.analysis.spectrogram import (
    SpectrogramSettings,
    TileGrid,
    choose_hop,
    compute_tile,
    tile_task,
)
from workbench.core.analysis.stft import analysis_window, magnitude_spectrum, read_frames
from workbench.core.audio.blocks import Block, BlockSequence
from workbench.core.audio.sample_source import SampleSource
from workbench.core.jobs import JobRequest

RATE = 48000
WIDTH_PX = 1600


def hour_sequence(path: str | None = None) -> BlockSequence:
    """One hour of 48 kHz stereo 16-bit audio.

    From `path` (a WAV, memory-mapped) when given; otherwise one synthetic
    minute of int16 tone + noise repeated as 60 blocks, which reads through
    the same int16 -> float32 path at 1/60 of the memory.
    """
    if path is not None:
        from workbench.core.audio.audio_file import read_audio

        return BlockSequence.from_source(read_audio(path).source)
    minute = 60 * RATE
    rng = np.random.default_rng(0)
    t = np.arange(minute) / RATE
    tone = 0.3 * np.sin(2 * np.pi * 440.0 * t)
    audio = tone[:, None] + 0.05 * rng.standard_normal((minute, 2))
    source = SampleSource(np.round(audio * 32767).astype(np.int16), scale=1 / 32768)
    return BlockSequence([Block(source, 0, minute)] * 60, 2)


class _TileBatch:
    """Some tiles of one sequence at one hop, computed in one of two ways."""

    def __init__(self, samples: BlockSequence, settings: SpectrogramSettings, hop: int,
                 tile_indices) -> None:
        grid = TileGrid(samples.frames, RATE, hop)
        self.samples, self.settings, self.hop = samples, settings, hop
        self.tiles = [grid.tile_columns(i) for i in tile_indices]
        self.columns = sum(count for _, count in self.tiles)

    def run_single(self) -> None:
        for first, count in self.tiles:
            compute_tile(self.samples, RATE, self.settings, self.hop, first, count)

    def run_pool(self, runner, app) -> None:
        handles = [runner.submit(JobRequest("spectrogram-tile", "bench"),
                                 tile_task(self.samples, RATE, self.settings, self.hop,
                                           first, count))
                   for first, count in self.tiles]
        from PySide6.QtCore import QEventLoop

        while not all(h.done for h in handles):
            # Sleep until a result arrives, as the GUI's event loop would:
            # spinning here would hold the GIL the workers need.
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        if any(h.state != "finished" for h in handles):
            raise RuntimeError("a benchmark tile did not finish")


def _times_ms(run, repeats: int) -> list[float]:
    run()  # warm-up: window, row mapping, page cache, pool threads
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def _with_pool(measure, threads: int | None):
    """Call measure(runner, app) with a JobRunner that is shut down afterwards."""
    from PySide6.QtCore import QCoreApplication

    from workbench.runtime.job_runner import JobRunner

    app = QCoreApplication.instance() or QCoreApplication([])
    runner = JobRunner(cpu_threads=threads)
    try:
        return measure(runner, app)
    finally:
        runner.shutdown()


def bench_view_tiles(path: str | None = None, repeats: int = 5,
                     threads: int | None = None) -> dict:
    """Time until every tile of a 1600-px view is computed: a whole hour, and one second.

    Reports the median and worst of `repeats`, computed one after another
    ("single") and on a JobRunner pool of `threads` threads ("pool").
    """
    samples = hour_sequence(path)
    settings = SpectrogramSettings()
    duration = samples.frames / RATE
    views = {"hour": (0.0, duration), "second": (duration / 2, duration / 2 + 1.0)}
    batches = {}
    for name, (start_s, stop_s) in views.items():
        hop = choose_hop(settings.hop, (stop_s - start_s) * RATE, WIDTH_PX)
        grid = TileGrid(samples.frames, RATE, hop)
        batches[name] = _TileBatch(samples, settings, hop, grid.tiles_between(start_s, stop_s))

    def measure_pool(runner, app):
        return {name: _times_ms(lambda b=batch: b.run_pool(runner, app), repeats)
                for name, batch in batches.items()}

    pool_times = _with_pool(measure_pool, threads)
    results: dict = {}
    for name, batch in batches.items():
        single = _times_ms(batch.run_single, repeats)
        results[f"{name}_view_single_ms"] = statistics.median(single)
        results[f"{name}_view_single_worst_ms"] = max(single)
        results[f"{name}_view_pool_ms"] = statistics.median(pool_times[name])
        results[f"{name}_view_pool_worst_ms"] = max(pool_times[name])
        results[f"{name}_view_tiles"] = len(batch.tiles)
        results[f"{name}_view_columns"] = batch.columns
        results[f"{name}_view_hop"] = batch.hop
    return results


def bench_stft_throughput(seconds: float = 20.0, repeats: int = 7,
                          threads: int | None = None) -> dict:
    """Frames per second: our tiles vs numpy rfft framing of the same frames.

    ours: compute_tile over consecutive 256-column tiles (reading stereo
    int16 blocks, mixing, windowing, rfft, |.|, row mapping, quantising).
    transform: read_frames + magnitude_spectrum only.
    numpy: the mono signal already mixed and in memory as float32, framed
    with sliding_window_view, times np.hanning, np.abs(np.fft.rfft(...)),
    in the same 256-frame chunks.  All three single-threaded, interleaved,
    best of `repeats` (other processes slow some runs down).
    pool: `ours` on a JobRunner pool, against the same numpy time.
    """
    samples = hour_sequence().slice(0, int(seconds * RATE))
    settings = SpectrogramSettings()
    n, hop = settings.window_length, settings.hop
    grid = TileGrid(samples.frames, RATE, hop)
    batch = _TileBatch(samples, settings, hop, range(grid.tiles))
    window = analysis_window(settings.window, n)

    def transform():
        for first, count in batch.tiles:
            magnitude_spectrum(read_frames(samples, first * hop, hop, count, n, None), window)

    mono = samples.read().mean(axis=1)
    padded = np.pad(mono, (n // 2, n // 2 + (grid.columns * hop - len(mono))))
    numpy_window = np.hanning(n)

    def numpy_peer():
        framed = np.lib.stride_tricks.sliding_window_view(padded, n)[::hop]
        for first, count in batch.tiles:
            np.abs(np.fft.rfft(framed[first : first + count] * numpy_window, axis=1))

    runs = {"ours": batch.run_single, "transform": transform, "numpy": numpy_peer}
    best = {name: float("inf") for name in runs}
    for run in runs.values():
        run()
    for _ in range(repeats):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    pool_s = min(_with_pool(lambda runner, app: _times_ms(
        lambda: batch.run_pool(runner, app), repeats), threads)) / 1000.0
    frames = grid.columns
    return {
        "frames": frames,
        "ours_frames_per_s": frames / best["ours"],
        "transform_frames_per_s": frames / best["transform"],
        "numpy_frames_per_s": frames / best["numpy"],
        "pool_frames_per_s": frames / pool_s,
        "ours_over_numpy": best["numpy"] / best["ours"],  # > 1: ours is faster
        "transform_over_numpy": best["numpy"] / best["transform"],
        "pool_over_numpy": best["numpy"] / pool_s,
    }


_SCRIPT = r"""
import json, sys
from tests.benchmarks.bench_spectrogram import bench_stft_throughput, bench_view_tiles
path = sys.argv[1]
print(json.dumps({"view": bench_view_tiles(path), "stft": bench_stft_throughput()}))
"""


def run() -> list:
    """Metrics for the harness (tests/benchmarks/__main__.py)."""
    from tests.benchmarks.harness import Metric, hour_file, run_script

    numbers = run_script(_SCRIPT, str(hour_file()))
    view, stft = numbers["view"], numbers["stft"]
    metrics = [
        Metric(f"spectrogram: {label} view tiles ({kind})", view[f"{name}_view_{kind}_ms"],
               "ms", "target", 100.0, "<= 100 ms", view[f"{name}_view_{kind}_ms"] <= 100.0)
        for name, label in (("hour", "1600-px hour"), ("second", "1600-px 1-s"))
        for kind in ("single", "pool")
    ]
    numpy_ms = 1e6 / stft["numpy_frames_per_s"]  # per 1000 frames
    for key, label in (("ours", "tiles"), ("transform", "transform only"), ("pool", "tiles, pool")):
        ms = 1e6 / stft[f"{key}_frames_per_s"]
        metrics.append(Metric(f"spectrogram: STFT ms per 1000 frames, {label}", ms, "ms",
                              "numpy rfft framing", numpy_ms, "<= 1.0x peer", ms <= numpy_ms))
    return metrics


if __name__ == "__main__":
    hour_path = sys.argv[1] if len(sys.argv) > 1 else None
    for label, numbers in (("view tiles", bench_view_tiles(hour_path)),
                           ("stft throughput", bench_stft_throughput())):
        print(label)
        for key, value in numbers.items():
            print(f"  {key:32} {value:14.2f}")

"""Spectrogram benchmarks: tiles for a visible view, and STFT throughput.

Targets (product issue): on a 1-hour 48 kHz stereo file, the tiles of a
1600-pixel-wide view are ready within 100 ms, and the STFT runs at least as
fast as plain numpy rfft framing of the same frames.

Each function returns a dict of numbers.  Timings are single-threaded (the
view spreads tiles over the runner's CPU pool, so on more cores it is
faster) and the median of several repeats after one warm-up.  Run directly:
`python -m tests.benchmarks.bench_spectrogram [hour.wav]`.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

from workbench.core.blocks import Block, BlockSequence
from workbench.core.sample_source import SampleSource
from workbench.core.spectrogram import (
    SpectrogramSettings,
    TileGrid,
    choose_hop,
    compute_tile,
)
from workbench.core.stft import analysis_window, magnitude_spectrum, read_frames

RATE = 48000
WIDTH_PX = 1600


def hour_sequence(path: str | None = None) -> BlockSequence:
    """One hour of 48 kHz stereo 16-bit audio.

    From `path` (a WAV, memory-mapped) when given; otherwise one synthetic
    minute of int16 tone + noise repeated as 60 blocks, which reads through
    the same int16 -> float32 path at 1/60 of the memory.
    """
    if path is not None:
        from workbench.core.audio_file import read_audio

        return BlockSequence.from_source(read_audio(path).source)
    minute = 60 * RATE
    rng = np.random.default_rng(0)
    t = np.arange(minute) / RATE
    tone = 0.3 * np.sin(2 * np.pi * 440.0 * t)
    audio = tone[:, None] + 0.05 * rng.standard_normal((minute, 2))
    source = SampleSource(np.round(audio * 32767).astype(np.int16), scale=1 / 32768)
    return BlockSequence([Block(source, 0, minute)] * 60, 2)


def _median_ms(run, repeats: int) -> tuple[float, float]:
    run()  # warm-up: window, row mapping and page cache
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times), max(times)


def _view_tiles(samples, settings, start_s, stop_s):
    hop = choose_hop(settings.hop, (stop_s - start_s) * RATE, WIDTH_PX)
    grid = TileGrid(samples.frames, RATE, hop)
    tiles = [grid.tile_columns(i) for i in grid.tiles_between(start_s, stop_s)]

    def run():
        for first, count in tiles:
            compute_tile(samples, RATE, settings, hop, first, count)

    return hop, tiles, run


def bench_view_tiles(path: str | None = None, repeats: int = 5) -> dict:
    """Time to compute every tile of a 1600-px view of a whole hour and of one second."""
    samples = hour_sequence(path)
    settings = SpectrogramSettings()
    duration = samples.frames / RATE
    results: dict = {}
    for name, (start_s, stop_s) in {"hour": (0.0, duration),
                                    "second": (duration / 2, duration / 2 + 1.0)}.items():
        hop, tiles, run = _view_tiles(samples, settings, start_s, stop_s)
        median, worst = _median_ms(run, repeats)
        results[f"{name}_view_ms"] = median
        results[f"{name}_view_worst_ms"] = worst
        results[f"{name}_view_tiles"] = len(tiles)
        results[f"{name}_view_columns"] = sum(count for _, count in tiles)
        results[f"{name}_view_hop"] = hop
    return results


def bench_stft_throughput(seconds: float = 60.0, repeats: int = 3) -> dict:
    """Frames per second: our tiles vs numpy rfft framing of the same frames.

    Ours: compute_tile over consecutive 256-column tiles (reading the
    stereo int16 blocks, mixing, windowing, float32 rfft, row mapping,
    quantising).  Also the transform alone (read_frames + magnitude_spectrum).
    Peer: the mono float32 signal handed over in memory, framed with
    sliding_window_view, multiplied by np.hanning and np.abs(np.fft.rfft(...)),
    in the same 256-frame chunks.
    """
    samples = hour_sequence().slice(0, int(seconds * RATE))
    settings = SpectrogramSettings()
    n, hop = settings.window_length, settings.hop
    grid = TileGrid(samples.frames, RATE, hop)
    tiles = [grid.tile_columns(i) for i in range(grid.tiles)]
    window = analysis_window(settings.window, n)

    def ours():
        for first, count in tiles:
            compute_tile(samples, RATE, settings, hop, first, count)

    def ours_transform_only():
        for first, count in tiles:
            magnitude_spectrum(read_frames(samples, first * hop, hop, count, n, None), window)

    mono = samples.read().mean(axis=1)
    padded = np.pad(mono, (n // 2, n // 2 + (grid.columns * hop - len(mono))))
    numpy_window = np.hanning(n)

    def peer():
        framed = np.lib.stride_tricks.sliding_window_view(padded, n)[::hop]
        for first, count in tiles:
            np.abs(np.fft.rfft(framed[first : first + count] * numpy_window, axis=1))

    frames = grid.columns
    ours_ms, _ = _median_ms(ours, repeats)
    transform_ms, _ = _median_ms(ours_transform_only, repeats)
    peer_ms, _ = _median_ms(peer, repeats)
    return {
        "frames": frames,
        "ours_frames_per_s": frames / ours_ms * 1000.0,
        "ours_transform_frames_per_s": frames / transform_ms * 1000.0,
        "numpy_frames_per_s": frames / peer_ms * 1000.0,
        "ours_over_numpy": peer_ms / ours_ms,  # > 1: ours is faster
    }


if __name__ == "__main__":
    hour_path = sys.argv[1] if len(sys.argv) > 1 else None
    for label, numbers in (("view tiles", bench_view_tiles(hour_path)),
                           ("stft throughput", bench_stft_throughput())):
        print(label)
        for key, value in numbers.items():
            print(f"  {key:32} {value:14.2f}")

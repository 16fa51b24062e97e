"""Short-time Fourier transform pieces for display: windows, framing, magnitudes.

Frames are centred: frame c covers [centre - N/2, centre + N/2) around its
centre frame, and samples before the start or past the end of the audio
read as zeros.  Samples are read as float32; the transform itself runs in
float64 because numpy's pocketfft is slower on float32 input (measured 1.2x
to 3x with numpy 2.4 on x86-64), and magnitudes go back to float32.
All functions are pure and safe to call from worker threads.
"""

from __future__ import annotations

import bisect
from functools import lru_cache

import numpy as np

from workbench.core.audio.blocks import BlockSequence
from workbench.core.audio.sample_source import SampleSource

WINDOWS: tuple[str, ...] = ("hann", "hamming", "blackman", "rectangular")

# Frames are transformed in chunks of about this many samples (1 MB of
# float64): the temporaries stay in the CPU cache and in malloc's free lists.
# Transforming a whole 256-frame tile at once was 1.2x to 5x slower, the
# worst when large fresh allocations page-faulted under memory pressure.
CHUNK_SAMPLES = 1 << 17


@lru_cache(maxsize=32)
def analysis_window(name: str, length: int) -> np.ndarray:
    """The periodic window `name` of `length` samples, scaled for dBFS.

    The scale 2 / sum(window) makes a full-scale sine centred on a bin come
    out with magnitude 1 (0 dBFS) whatever the window.  Read-only, shared.
    """
    phase = 2.0 * np.pi * np.arange(length) / length  # periodic: DFT-even
    if name == "hann":
        w = 0.5 - 0.5 * np.cos(phase)
    elif name == "hamming":
        w = 0.54 - 0.46 * np.cos(phase)
    elif name == "blackman":
        w = 0.42 - 0.5 * np.cos(phase) + 0.08 * np.cos(2.0 * phase)
    elif name == "rectangular":
        w = np.ones(length)
    else:
        raise ValueError(f"unknown window {name!r}; choose one of {WINDOWS}")
    scaled = w * (2.0 / w.sum())  # float64: see the module docstring
    scaled.setflags(write=False)
    return scaled


def read_mono(samples: BlockSequence, start: int, stop: int,
              channel: int | None) -> np.ndarray:
    """Frames [start, stop) of one channel (or the mean of all) as float32.

    Positions outside the sequence read as silence, which is what centred
    frames at the very start and end need.
    """
    if channel is not None and not 0 <= channel < samples.channels:
        raise ValueError(f"channel {channel} does not exist "
                         f"(the audio has {samples.channels})")
    out = np.zeros(stop - start, dtype=np.float32)
    for pos, block, offset, count in samples.spans(start, stop):
        raw = block.source.read_raw(block.start + offset, block.start + offset + count)
        out[pos - start : pos - start + count] = _mono(block.source, raw, channel)
    return out


def read_frames(samples: BlockSequence, first_centre: int, hop: int, count: int,
                window_length: int, channel: int | None) -> np.ndarray:
    """(count, window_length) float32 frames centred on first_centre + i * hop.

    Overlapping frames come from one contiguous read, framed as a strided
    view.  When the hop is longer than the window (a zoomed-out view) the
    frames are gathered one by one, so the samples between them are never read.
    """
    start = first_centre - window_length // 2
    if hop <= window_length:
        signal = read_mono(samples, start, start + (count - 1) * hop + window_length, channel)
        return np.lib.stride_tricks.sliding_window_view(signal, window_length)[::hop]
    return _gather_frames(samples, start + hop * np.arange(count), window_length, channel)


def _gather_frames(samples: BlockSequence, starts: np.ndarray, length: int,
                   channel: int | None) -> np.ndarray:
    """Frames [s, s + length) for each start s, as float32 rows.

    Frames that lie inside one block are copied raw from the block's source
    into a small buffer and converted together, CHUNK_SAMPLES at a time, so
    that no large temporary is allocated (on some machines touching fresh
    memory costs more than the copy).  Frames that straddle a block boundary
    or an end of the audio are read one at a time.
    """
    if channel is not None and not 0 <= channel < samples.channels:
        raise ValueError(f"channel {channel} does not exist "
                         f"(the audio has {samples.channels})")
    blocks = samples.blocks
    edges = [0]
    for block in blocks:
        edges.append(edges[-1] + block.length)
    frames = np.empty((len(starts), length), dtype=np.float32)
    step = max(1, CHUNK_SAMPLES // length)
    for first in range(0, len(starts), step):
        by_source: dict[SampleSource, list[tuple[int, int]]] = {}
        for i, start in enumerate(starts[first : first + step].tolist(), first):
            b = bisect.bisect_right(edges, start) - 1
            if start >= 0 and b < len(blocks) and start + length <= edges[b + 1]:
                block = blocks[b]
                by_source.setdefault(block.source, []).append(
                    (i, block.start + start - edges[b]))
            else:
                frames[i] = read_mono(samples, start, start + length, channel)
        for source, wanted in by_source.items():
            data = np.asarray(source.data)  # slicing an np.memmap costs 40x more
            raw = np.empty((len(wanted), length, source.channels), dtype=data.dtype)
            for r, (_, source_start) in enumerate(wanted):
                raw[r] = data[source_start : source_start + length]
            frames[[i for i, _ in wanted]] = _mono(source, raw, channel)
    return frames


def _mono(source: SampleSource, raw: np.ndarray, channel: int | None) -> np.ndarray:
    """float32 amplitudes of one channel (or their mean) of raw source samples.

    raw: (..., channels) in the source's dtype.  Matches SampleSource.read
    (scaled by source.scale, non-finite values read as 0) in one pass over
    the raw samples instead of three.  Mixing happens before the transform,
    so opposite-phase channels cancel, as through one speaker.
    """
    picked = list(range(raw.shape[-1])) if channel is None else [channel]
    mixed = raw[..., picked[0]].astype(np.float32)  # always a fresh array
    if source.sanitize:
        np.nan_to_num(mixed, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
    for c in picked[1:]:
        values = raw[..., c].astype(np.float32)
        if source.sanitize:
            np.nan_to_num(values, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
        mixed += values
    factor = source.scale / len(picked)
    if factor != 1.0:
        mixed *= np.float32(factor)
    return mixed


def magnitude_spectrum(frames: np.ndarray, window: np.ndarray) -> np.ndarray:
    """|rfft| of the windowed frames as float32 (N/2 + 1 bins, count frames).

    Bins come first (the transpose of the frames' layout) because the row
    mapping gathers whole bins.  With a window from analysis_window a
    full-scale sine centred on a bin has magnitude 1.
    """
    count, length = frames.shape
    out = np.empty((length // 2 + 1, count), dtype=np.float32)
    step = max(1, CHUNK_SAMPLES // length)
    column_window = np.asarray(window)[:, None]
    for first in range(0, count, step):
        # Transform along axis 0 of the transposed frames: the spectrum comes out
        # bins-first, so no transposed copy of the result is needed (measured as
        # fast as numpy's own framed rfft, where transposing after cost ~10%).
        windowed = frames[first : first + step].T * column_window  # float64
        out[:, first : first + step] = np.abs(np.fft.rfft(windowed, axis=0))
    return out

"""Short-time Fourier transform pieces for display: windows, framing, power.

Frames are centred: frame c covers [centre - N/2, centre + N/2) around its
centre frame, and samples before the start or past the end of the audio
read as zeros.  Everything stays in float32 (numpy's pocketfft transforms
float32 natively), which halves memory traffic compared with float64.
All functions are pure and safe to call from worker threads.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from workbench.core.blocks import BlockSequence

WINDOWS: tuple[str, ...] = ("hann", "hamming", "blackman", "rectangular")


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
    scaled = (w * (2.0 / w.sum())).astype(np.float32)
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
    low, high = max(start, 0), min(stop, samples.frames)
    if low < high:
        data = samples.read(low, high)
        if channel is not None:
            out[low - start : high - start] = data[:, channel]
        elif samples.channels == 1:
            out[low - start : high - start] = data[:, 0]
        else:
            # Mixing before the transform: opposite-phase channels cancel,
            # as they would when played through one speaker.
            # (A column loop: numpy's sum over a short last axis is 30x slower.)
            mixed = out[low - start : high - start]
            for c in range(samples.channels):
                mixed += data[:, c]
            mixed *= np.float32(1.0 / samples.channels)
    return out


def read_frames(samples: BlockSequence, first_centre: int, hop: int, count: int,
                window_length: int, channel: int | None) -> np.ndarray:
    """(count, window_length) float32 frames centred on first_centre + i * hop.

    Overlapping frames come from one contiguous read, framed as a strided
    view.  When the hop is longer than the window (a zoomed-out view) each
    frame is read on its own, so the samples between frames are never read.
    """
    start = first_centre - window_length // 2
    if hop <= window_length:
        signal = read_mono(samples, start, start + (count - 1) * hop + window_length, channel)
        return np.lib.stride_tricks.sliding_window_view(signal, window_length)[::hop]
    frames = np.empty((count, window_length), dtype=np.float32)
    for i in range(count):
        frame_start = start + i * hop
        frames[i] = read_mono(samples, frame_start, frame_start + window_length, channel)
    return frames


def magnitude_spectrum(frames: np.ndarray, window: np.ndarray) -> np.ndarray:
    """|rfft| of the windowed frames as float32 (N/2 + 1 bins, count frames).

    Bins come first (the transpose of the frames' layout) because the row
    mapping gathers whole bins.  With a window from analysis_window a
    full-scale sine centred on a bin has magnitude 1.
    """
    windowed = frames * window  # also turns a strided view into a packed array
    magnitude = np.abs(np.fft.rfft(windowed, axis=1))
    return np.ascontiguousarray(magnitude.T)

"""Reading the audio a model task was given, in chunks, at the model's rate.

Audio arrives as a BlockSequence (the GUI's immutable snapshot, read lazily
here on the worker) or as an array (frames x channels, or mono frames).
"""

from __future__ import annotations

import numpy as np

from workbench.core.audio.blocks import BlockSequence
from workbench.ml.resample import resample_array

Audio = BlockSequence | np.ndarray


def frames_of(audio: Audio) -> int:
    return audio.frames if isinstance(audio, BlockSequence) else len(audio)


def channels_of(audio: Audio) -> int:
    if isinstance(audio, BlockSequence):
        return audio.channels
    return 1 if np.ndim(audio) == 1 else audio.shape[1]


def read_frames(audio: Audio, start: int, stop: int) -> np.ndarray:
    """Frames [start, stop) as float32 frames x channels (clipped to the audio)."""
    if isinstance(audio, BlockSequence):
        return audio.read(start, stop)
    arr = np.asarray(audio, dtype=np.float32)
    arr = arr[:, None] if arr.ndim == 1 else arr
    return arr[max(0, start):max(0, stop)]


def mono_at(samples: np.ndarray, rate: int, model_rate: int) -> np.ndarray:
    """Frames x channels -> the channels' mean as one float32 signal at `model_rate`."""
    mono = samples.mean(axis=1) if samples.shape[1] else np.zeros(len(samples), np.float32)
    return resample_array(mono, rate, model_rate)[:, 0]


def fit_length(signal: np.ndarray, frames: int) -> np.ndarray:
    """`signal` cut or zero-padded (along axis 0) to exactly `frames`."""
    if len(signal) >= frames:
        return signal[:frames]
    pad = [(0, frames - len(signal))] + [(0, 0)] * (signal.ndim - 1)
    return np.pad(signal, pad)


def chunk_starts(frames: int, chunk: int) -> range:
    """Start frames of consecutive chunks covering [0, frames) (one empty chunk if none)."""
    return range(0, max(frames, 1), max(1, chunk))

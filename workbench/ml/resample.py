"""Sample-rate conversion with torchaudio, for the "Change sample rate" edit.

The edit itself (core/document/track_commands.py, `ChangeSampleRateCommand`) takes the
finished sequences, so core never imports torch.  The GUI runs
`resample_tracks` as a task on a worker and pushes the command with its result:

    task = functools.partial(resample_tracks, [t.samples for t in doc.tracks],
                             doc.sample_rate, 22050)
    ... on finished(result): history.push(ChangeSampleRateCommand(22050, result))

Resampling is torchaudio's band-limited sinc interpolation (Hann window), one
channel at a time so that cancellation is noticed between channels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
import torchaudio.functional as F

from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import CancelToken, Progress, TaskGenerator


def resampled_length(frames: int, orig_rate: int, new_rate: int) -> int:
    """How many frames `frames` frames at `orig_rate` become at `new_rate` (torchaudio's rule)."""
    g = math.gcd(orig_rate, new_rate)
    return -(-frames * (new_rate // g) // (orig_rate // g))


def resample_array(samples: np.ndarray, orig_rate: int, new_rate: int) -> np.ndarray:
    """Frames x channels float32 samples at `orig_rate`, resampled to `new_rate`."""
    if orig_rate <= 0 or new_rate <= 0:
        raise ValueError("sample rates must be positive")
    x = np.asarray(samples, dtype=np.float32)
    if x.ndim == 1:
        x = x[:, None]
    if orig_rate == new_rate or len(x) == 0:
        return x.copy()
    with torch.inference_mode():
        wave = torch.from_numpy(np.ascontiguousarray(x.T))
        out = F.resample(wave, orig_rate, new_rate)
    return np.ascontiguousarray(out.numpy().T, dtype=np.float32)


def resample_tracks(tracks: Sequence[BlockSequence], orig_rate: int, new_rate: int,
                    cancel: CancelToken) -> TaskGenerator:
    """A task: every track resampled to `new_rate`; returns a list of BlockSequences.

    Yields Progress after each channel and checks `cancel` before each one.
    """
    total = sum(seq.channels for seq in tracks) or 1
    done = 0
    result = []
    for seq in tracks:
        cancel.check()
        samples = seq.read()
        columns = []
        for c in range(seq.channels):
            cancel.check()
            columns.append(resample_array(samples[:, c], orig_rate, new_rate)[:, 0])
            done += 1
            yield Progress(done / total, f"Resampling to {new_rate} Hz")
        frames = resampled_length(seq.frames, orig_rate, new_rate)
        data = np.stack(columns, axis=1) if columns else np.zeros((frames, 0), np.float32)
        result.append(BlockSequence.from_array(data))
    return result


class StreamResampler:
    """Resamples a long signal piece by piece, exactly as `resample_array` does the whole.

    torchaudio's resampler turns every block of ``orig / gcd`` input frames into
    ``new / gcd`` output frames, reading a few frames (the filter's half width)
    on either side.  `push` returns the output blocks whose input has fully
    arrived; `flush` pads with the zeros the whole-signal resampler pads with
    and returns the rest, so the joined pieces have the whole signal's length
    (`resampled_length`) and, up to float rounding, its samples: no seam.
    Frames x channels float32 in and out.  Not thread-safe.
    """

    def __init__(self, orig_rate: int, new_rate: int, lowpass_filter_width: int = 6,
                 rolloff: float = 0.99) -> None:
        if orig_rate <= 0 or new_rate <= 0:
            raise ValueError("sample rates must be positive")
        g = math.gcd(orig_rate, new_rate)
        self.orig_rate, self.new_rate = orig_rate, new_rate
        self._in, self._out = orig_rate // g, new_rate // g
        # torchaudio's kernel reaches this many input frames beyond each block.
        width = math.ceil(lowpass_filter_width * self._in / (min(self._in, self._out) * rolloff))
        self._margin = self._in * math.ceil(width / self._in)
        self._buffer: np.ndarray | None = None   # input from absolute frame self._start on
        self._start = -self._margin              # the whole-signal resampler pads zeros left
        self._next_block = 0
        self._pushed = self._emitted = 0
        self._channels = 1

    def push(self, samples: np.ndarray) -> np.ndarray:
        x = np.asarray(samples, dtype=np.float32)
        x = x[:, None] if x.ndim == 1 else x
        self._pushed += len(x)
        self._channels = x.shape[1]
        if self.orig_rate == self.new_rate:
            return x.copy()
        if self._buffer is None:
            self._buffer = np.zeros((self._margin, x.shape[1]), np.float32)
        self._buffer = np.concatenate([self._buffer, x])
        return self._blocks((self._pushed - self._margin) // self._in)

    def flush(self) -> np.ndarray:
        """The rest of the output (call once, after the last `push`)."""
        if self.orig_rate == self.new_rate or self._buffer is None:
            return np.zeros((0, self._channels), np.float32)
        pad = np.zeros((2 * self._in + 2 * self._margin, self._buffer.shape[1]), np.float32)
        self._buffer = np.concatenate([self._buffer, pad])
        total = resampled_length(self._pushed, self.orig_rate, self.new_rate)
        out = self._blocks(-(-total // self._out))
        return out[:max(0, total - self._emitted + len(out))]

    def _blocks(self, end_block: int) -> np.ndarray:
        first = self._next_block
        channels = self._buffer.shape[1]
        if end_block <= first:
            return np.zeros((0, channels), np.float32)
        lo = first * self._in - self._margin - self._start
        hi = end_block * self._in + self._margin - self._start
        out = resample_array(self._buffer[lo:hi], self._in, self._out)
        skip = self._margin // self._in * self._out
        out = out[skip:skip + (end_block - first) * self._out]
        keep_from = end_block * self._in - self._margin
        self._buffer = self._buffer[keep_from - self._start:]
        self._start, self._next_block = keep_from, end_block
        self._emitted += len(out)
        return out

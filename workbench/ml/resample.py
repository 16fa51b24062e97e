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

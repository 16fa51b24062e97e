"""The Emformer RNN-T's input features, as torchaudio's EMFORMER_RNNT_BASE_LIBRISPEECH
pipeline makes them, computed block by block.

torchaudio's feature extractor (pipelines/rnnt_pipeline.py) takes a mel spectrogram
(n_fft 400, hop 160, 80 bins at 16 kHz, centred frames with reflected edges), scales
it by the int16 gain, takes a piecewise linear log (log above e, linear below) and
normalizes with the bundle's global statistics (global_stats_rnnt_librispeech.json:
`mean` and `invstddev` per bin).  `LogMelStream` gives the same frames for audio fed
in pieces: each frame is computed from its own 400 samples, so block seams change
nothing, and the file's two edges are reflected as `center=True` does.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import torch

from workbench.ml.errors import ModelLoadError

RATE = 16000
N_FFT = 400
HOP = 160
N_MELS = 80
_HALF = N_FFT // 2
# torchaudio's _gain: a full-scale int16 signal's power, as the pipeline scales it.
GAIN = 10 ** (0.05 * 2 * 20 * math.log10(32767))


def piecewise_linear_log(x: torch.Tensor) -> torch.Tensor:
    """log(x) above e, x / e below: continuous at e, finite at 0 (torchaudio's)."""
    return torch.where(x > math.e, torch.log(x.clamp(min=math.e)), x / math.e)


def read_global_stats(path: Path, bins: int = N_MELS) -> tuple[torch.Tensor, torch.Tensor]:
    """(mean, invstddev) of `bins` values each from the bundle's JSON; ModelLoadError
    naming the file when it is not such a file."""
    try:
        blob = json.loads(Path(path).read_text())
        mean = torch.tensor(blob["mean"], dtype=torch.float32)
        inv = torch.tensor(blob["invstddev"], dtype=torch.float32)
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as exc:
        raise ModelLoadError(path, f"not the feature statistics of an Emformer RNN-T "
                                   f"(a JSON object with 'mean' and 'invstddev'): {exc}") from exc
    if mean.shape != (bins,) or inv.shape != (bins,):
        raise ModelLoadError(path, f"the feature statistics need {bins} values in 'mean' and "
                                   f"'invstddev' (found {tuple(mean.shape)} and "
                                   f"{tuple(inv.shape)})")
    if not (torch.isfinite(mean).all() and torch.isfinite(inv).all()):
        raise ModelLoadError(path, "the feature statistics hold non-finite values")
    return mean, inv


class LogMelStream:
    """Normalized log-mel frames (frames x 80) of a 16 kHz signal fed in pieces.

    `feed(samples)` returns the frames that the samples so far complete; `finish()`
    the rest, so that all returned frames together are the whole-file features
    (`len(signal) // 160 + 1` frames).  Owned by one task; not thread-safe.
    """

    def __init__(self, mean: torch.Tensor, invstddev: torch.Tensor) -> None:
        import torchaudio

        self._mel = torchaudio.transforms.MelSpectrogram(
            sample_rate=RATE, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS, center=False)
        self._mean, self._inv = mean, invstddev
        self._pending = np.zeros(0, np.float32)  # samples not yet used up by a frame
        self._started = False  # the left edge (reflected) is in place

    def feed(self, samples: np.ndarray) -> torch.Tensor:
        self._pending = np.concatenate([self._pending, np.asarray(samples, np.float32)])
        if not self._started:
            if len(self._pending) <= _HALF:
                return self._frames(0)  # the reflection needs more than 200 samples
            self._pending = np.concatenate([self._pending[1:_HALF + 1][::-1], self._pending])
            self._started = True
        return self._frames(self._count())

    def finish(self) -> torch.Tensor:
        """The frames up to the end of the signal (its right edge reflected)."""
        pending = self._pending
        if not self._started:  # a signal of at most 200 samples: zeros stand in for edges
            pending = np.concatenate([np.zeros(_HALF, np.float32), pending])
            self._started = True
        edge = pending[-_HALF - 1:-1][::-1] if len(pending) > _HALF else \
            np.zeros(_HALF, np.float32)
        self._pending = np.concatenate([pending, edge])
        return self._frames(self._count())

    def _count(self) -> int:
        return max(0, (len(self._pending) - N_FFT) // HOP + 1)

    def _frames(self, count: int) -> torch.Tensor:
        if count == 0:
            return torch.zeros(0, N_MELS)
        used = (count - 1) * HOP + N_FFT
        power = self._mel(torch.from_numpy(np.ascontiguousarray(self._pending[:used])))
        self._pending = self._pending[count * HOP:]
        return (piecewise_linear_log(power.T * GAIN) - self._mean) * self._inv

"""Reference-free quality scores of speech with torchaudio's SQUIM objective model.

SQUIM (Kumar et al., 2023) estimates STOI, wide-band PESQ and SI-SDR from the
noisy or enhanced speech alone, at 16 kHz.  Its transformer attends over a whole
input, so cost grows with the square of the length: a span is scored in
windows of WINDOW_S seconds, at most MAX_WINDOWS of them spread evenly over it,
and the estimates are averaged (weighted by each window's length).  The weights are
torchaudio's public checkpoint (SQUIM_OBJECTIVE in the model manager), loaded by
`ml.zoo.pretrained.load_pretrained` at whatever size the checkpoint has.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from workbench.core.analysis.squim_scores import SquimScores
from workbench.ml.enhancer.cpu_threads import one_cpu_thread
from workbench.ml.resample import resample_array
from workbench.ml.tasks.audio import Audio, frames_of, read_frames

SQUIM_NAME = "SQUIM_OBJECTIVE"
SQUIM_RATE = 16000
WINDOW_S = 4.0
MAX_WINDOWS = 3
MIN_WINDOW_S = 0.5  # a shorter span is scored whole


def score_windows(frames: int, rate: int) -> list[tuple[int, int]]:
    """The (start, stop) frames scored of a span of `frames` at `rate` (any rate: the
    windows are cut before resampling)."""
    window = round(WINDOW_S * rate)
    if frames <= window:
        return [(0, frames)] if frames >= MIN_WINDOW_S * rate else []
    count = min(MAX_WINDOWS, frames // window)
    starts = np.linspace(0, frames - window, count).round().astype(int)
    return [(int(a), int(a) + window) for a in starts]


@torch.inference_mode()
def squim_scores(model: nn.Module, audio: Audio, rate: int) -> SquimScores | None:
    """Scores of `audio` (frames x channels as an array or BlockSequence, or mono) at
    `rate`; None when shorter than MIN_WINDOW_S.  Only the scored windows are read; each
    is mixed to mono and resampled to 16 kHz."""
    mono_input = isinstance(audio, np.ndarray) and audio.ndim == 1
    audio = audio[:, None] if mono_input else audio
    windows = score_windows(frames_of(audio), rate)
    if not windows:
        return None
    device = next(model.parameters()).device
    scored = []  # (STOI, PESQ, SI-SDR, frames) per window
    with one_cpu_thread(device):
        for start, stop in windows:
            piece = read_frames(audio, start, stop).mean(axis=1)
            piece = resample_array(piece, rate, SQUIM_RATE)[:, 0]
            estimates = model(torch.from_numpy(piece)[None].to(device))
            scored.append([float(t.reshape(-1)[0]) for t in estimates] + [stop - start])
    table = np.array(scored)
    stoi, pesq, si_sdr = np.average(table[:, :3], axis=0, weights=table[:, 3])
    return SquimScores(float(stoi), float(pesq), float(si_sdr), table[:, 3].sum() / rate)

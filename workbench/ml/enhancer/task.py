"""The "enhance" task: a mask enhancer over long audio, chunk by chunk, every channel.

Each chunk of `chunk_s` seconds is processed with `context_s` seconds of the
audio before and after it (the GRU warms up on the context; only the chunk
itself is kept), at the model's sample rate, and resampled back.  The result
has exactly the input's length, rate and channel count.
"""

from __future__ import annotations

import numpy as np
import torch

from workbench.core.analysis.results import EnhancedAudio
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import CancelToken, Progress, TaskGenerator
from workbench.ml.enhancer.net import build_enhancer
from workbench.ml.resample import resample_array
from workbench.ml.tasks.audio import (
    Audio,
    channels_of,
    chunk_starts,
    fit_length,
    frames_of,
    read_frames,
)
from workbench.ml.tasks.base import ModelProvider, ModelTaskSpec

DEFAULT_CHUNK_S = 10.0
DEFAULT_CONTEXT_S = 0.25


def enhance(audio: Audio, sample_rate: int, params: dict, cancel: CancelToken,
            model_provider: ModelProvider) -> TaskGenerator:
    """Task: `audio` with noise suppressed, as an EnhancedAudio of the same shape.

    params: `chunk_s` (default 10), `context_s` (default 0.25).
    """
    model_rate = model_provider.card.sample_rate
    frames, channels = frames_of(audio), channels_of(audio)
    chunk = max(1, round(params.get("chunk_s", DEFAULT_CHUNK_S) * sample_rate))
    context = round(params.get("context_s", DEFAULT_CONTEXT_S) * sample_rate)
    pieces: list[BlockSequence] = []
    for start in chunk_starts(frames, chunk):
        cancel.check()
        stop = min(frames, start + chunk)
        lead, tail = min(context, start), min(context, frames - stop)
        samples = read_frames(audio, start - lead, stop + tail)
        at_model_rate = resample_array(samples, sample_rate, model_rate)
        cleaned = yield from model_provider.infer(
            lambda model, device, x=at_model_rate: _run_channels(model, device, x))
        back = fit_length(resample_array(cleaned, model_rate, sample_rate), len(samples))
        pieces.append(BlockSequence.from_array(back[lead:lead + stop - start]))
        yield Progress(stop / frames if frames else 1.0,
                       f"Enhancing: {stop / sample_rate:.0f} of {frames / sample_rate:.0f} s")
    blocks = [block for piece in pieces for block in piece.blocks]
    result = BlockSequence(blocks, channels)
    return EnhancedAudio(result, sample_rate, model_provider.name, str(model_provider.device),
                         0.0, (0.0, frames / sample_rate))


def _run_channels(model, device: torch.device, samples: np.ndarray) -> np.ndarray:
    """Frames x channels in, frames x channels out: the channels go through as a batch."""
    frames = len(samples)
    padded = fit_length(samples, max(frames, getattr(model, "min_samples", 1)))
    batch = torch.from_numpy(np.ascontiguousarray(padded.T)).to(device)
    return model(batch).float().cpu().numpy().T[:frames]


SPEC = ModelTaskSpec(kind="enhance", zoo_task="speech-enhancement", family="enhancer",
                     build_model=build_enhancer, run=enhance)

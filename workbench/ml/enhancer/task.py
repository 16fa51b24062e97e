"""The "enhance" task: the causal mask enhancer over long audio, chunk by chunk, every channel.

The audio is read in chunks of `chunk_s` seconds and streamed: resampled to the
model's rate (`StreamResampler`), through `EnhancerStream` (GRU state, running
level and overlap-add tail carried from chunk to chunk) and resampled back.
Nothing restarts at a chunk join, so the result equals the whole file enhanced
at once (up to float rounding): no seam.  The result has exactly the input's
length, rate and channel count; the channels go through as one batch.
"""

from __future__ import annotations

import numpy as np
import torch

from workbench.core.analysis.results import EnhancedAudio
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import CancelToken, Progress, TaskGenerator
from workbench.ml.enhancer import separation
from workbench.ml.enhancer.cpu_threads import one_cpu_thread
from workbench.ml.enhancer.gain_floor import min_gain
from workbench.ml.enhancer.net import EnhancerStream, build_enhancer
from workbench.ml.enhancer.pretrained_names import PRETRAINED_ENHANCERS
from workbench.ml.resample import StreamResampler
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


class _ChannelStream:
    """Model-rate streaming of frames x channels: resample in, enhance, resample back."""

    def __init__(self, rate: int, model_rate: int, provider: ModelProvider, floor: float):
        self.down, self.up = StreamResampler(rate, model_rate), StreamResampler(model_rate, rate)
        self.provider, self.floor = provider, floor
        self.stream: EnhancerStream | None = None

    def push(self, samples: np.ndarray):
        """Sub-task: the output frames that are final after ``samples``."""
        cleaned = yield from self._enhance(self.down.push(samples), last=False)
        return self.up.push(cleaned)

    def flush(self):
        cleaned = yield from self._enhance(self.down.flush(), last=True)
        return np.concatenate([self.up.push(cleaned), self.up.flush()])

    def _enhance(self, x: np.ndarray, last: bool):
        def run(model, device: torch.device) -> np.ndarray:
            if self.stream is None:
                self.stream = EnhancerStream(model, x.shape[1], self.floor)
            batch = torch.from_numpy(np.ascontiguousarray(x.T)).to(device)
            with one_cpu_thread(device):
                out = self.stream.push(batch)
                if last:
                    out = torch.cat([out, self.stream.flush()], dim=-1)
            return out.float().cpu().numpy().T

        return (yield from self.provider.infer(run))


def enhance(audio: Audio, sample_rate: int, params: dict, cancel: CancelToken,
            model_provider: ModelProvider) -> TaskGenerator:
    """Task: `audio` with noise suppressed, as an EnhancedAudio of the same shape.

    params: `chunk_s` (default 10), `attenuation_limit_db` (default: none), `wet` (the
    share of enhanced audio in the result, 0-1; default 1: the rest is the original).
    """
    frames, channels = frames_of(audio), channels_of(audio)
    chunk = max(1, round(params.get("chunk_s", DEFAULT_CHUNK_S) * sample_rate))
    wet = min(1.0, max(0.0, float(params.get("wet", 1.0))))
    stream = _ChannelStream(sample_rate, model_provider.card.sample_rate, model_provider,
                            min_gain(params))
    result = BlockSequence.empty(channels)

    def add(out: np.ndarray) -> BlockSequence:
        if wet < 1.0:  # the output lines up with the input sample for sample
            dry = fit_length(read_frames(audio, result.frames, result.frames + len(out)),
                             len(out))
            out = (wet * out + (1.0 - wet) * dry).astype(np.float32)
        return result.concat(BlockSequence.from_array(out))

    for start in chunk_starts(frames, chunk):
        cancel.check()
        stop = min(frames, start + chunk)
        result = add((yield from stream.push(read_frames(audio, start, stop))))
        yield Progress(stop / frames if frames else 1.0,
                       f"Enhancing: {stop / sample_rate:.0f} of {frames / sample_rate:.0f} s")
    cancel.check()
    result = add((yield from stream.flush()))
    if result.frames < frames:  # only where the model's rate rounds a file shorter
        result = result.concat(BlockSequence.from_array(
            np.zeros((frames - result.frames, channels), np.float32)))
    return EnhancedAudio(result.slice(0, frames), sample_rate, model_provider.name,
                         str(model_provider.device), 0.0, (0.0, frames / sample_rate))


SPEC = ModelTaskSpec(kind="enhance", zoo_task="speech-enhancement", family="enhancer",
                     build_model=build_enhancer, run=enhance,
                     pretrained={name: separation.pretrained_task(name)
                                 for name in PRETRAINED_ENHANCERS})

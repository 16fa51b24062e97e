"""Enhancing speech with a source separator: torchaudio's Conv-TasNet (pretrained entry).

Conv-TasNet splits a mixture into `num_sources` estimates at its own rate (8 kHz
for CONVTASNET_BASE_LIBRI2MIX).  As an enhancer, the estimate with the most
energy is taken as the speech, scaled to its least-squares share of the input
(separators are trained scale-invariant, so their output level is arbitrary).
The net is not causal: the audio goes in chunks of CHUNK_S seconds, each read
with CONTEXT_S seconds of neighbours on both sides that are cut away again, so
a chunk's edges see what lies beyond them.  Every channel is enhanced; the result
has the input's rate, length and channel count.  An attenuation limit keeps that
share of what was taken away (out = speech + floor * (input - speech)); `wet` mixes
the result with the input as the mask enhancer's task does.
"""

from __future__ import annotations

import numpy as np
import torch

from workbench.core.analysis.results import EnhancedAudio
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import CancelToken, Progress, TaskGenerator
from workbench.ml.enhancer.gain_floor import min_gain
from workbench.ml.enhancer.pretrained_names import PRETRAINED_ENHANCERS
from workbench.ml.resample import resample_array
from workbench.ml.tasks.audio import Audio, channels_of, fit_length, frames_of, read_frames
from workbench.ml.tasks.base import ModelProvider, PretrainedTask
from workbench.ml.zoo import ModelCard
from workbench.ml.zoo.pretrained import load_pretrained

CHUNK_S, CONTEXT_S = 10.0, 1.0


def pretrained_task(name: str) -> PretrainedTask:
    """How the enhance task runs pretrained separator `name` (see the module docstring)."""
    card = ModelCard(task="speech-enhancement", architecture=f"torchaudio {name}",
                     sample_rate=PRETRAINED_ENHANCERS[name],
                     training_data="Libri2Mix (torchaudio pipeline)",
                     training_command="none (downloaded)", hardware="", training_time="",
                     metrics={})
    return PretrainedTask(load_pretrained, enhance_by_separation, card)


def loudest_source(net: torch.nn.Module, mixture: np.ndarray) -> np.ndarray:
    """The separated source with the most energy, scaled to the mixture: (frames, channels)
    in and out, at the net's rate."""
    x = torch.from_numpy(np.ascontiguousarray(mixture.T)).to(next(net.parameters()).device)
    sources = net(x[:, None, :])[..., :x.shape[-1]]  # (channels, sources, frames)
    loudest = sources.pow(2).sum(-1).argmax(-1)
    speech = sources[torch.arange(len(x)), loudest]  # (channels, frames)
    scale = (speech * x).sum(-1, keepdim=True) / speech.pow(2).sum(-1, keepdim=True).clamp(
        min=1e-12)
    return (speech * scale).float().cpu().numpy().T


def enhance_by_separation(audio: Audio, sample_rate: int, params: dict, cancel: CancelToken,
                          model_provider: ModelProvider) -> TaskGenerator:
    """Task: `audio` with everything but the loudest separated source removed; params as
    the enhance task's (`attenuation_limit_db`, `wet`)."""
    floor = min_gain(params)
    wet = min(1.0, max(0.0, float(params.get("wet", 1.0))))
    frames, channels = frames_of(audio), channels_of(audio)
    net_rate = model_provider.card.sample_rate
    chunk, context = round(CHUNK_S * sample_rate), round(CONTEXT_S * sample_rate)
    result = BlockSequence.empty(channels)
    for start in range(0, frames, chunk):
        cancel.check()
        stop = min(frames, start + chunk)
        a, b = max(0, start - context), min(frames, stop + context)
        mixture = read_frames(audio, a, b)
        low = resample_array(mixture, sample_rate, net_rate)
        speech = yield from model_provider.infer(lambda net, _d, m=low: loudest_source(net, m))
        speech = fit_length(resample_array(speech, net_rate, sample_rate), b - a)
        kept = speech + floor * (mixture - speech) if floor > 0 else speech
        kept = wet * kept + (1.0 - wet) * mixture if wet < 1.0 else kept
        result = result.concat(BlockSequence.from_array(
            np.ascontiguousarray(kept[start - a:stop - a], np.float32)))
        yield Progress(stop / frames, f"Separating: {stop / sample_rate:.0f} of "
                                      f"{frames / sample_rate:.0f} s")
    return EnhancedAudio(result, sample_rate, model_provider.name, str(model_provider.device),
                         0.0, (0.0, frames / sample_rate))

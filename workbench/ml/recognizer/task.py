"""The "transcribe" task: a CTC recognizer over long audio, in chunks.

The audio is cut into chunks of `chunk_s` seconds on the recognizer's frame
grid; each chunk is run with `context_s` seconds of audio on either side so
the bidirectional GRU hears across the seam, and only the chunk's own frames
are kept.  The kept posteriors join into one posteriorgram that is decoded
once at the end, so a word spanning a seam comes out whole.  After each chunk
the words found so far are yielded as a Partial transcript.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import torch

from workbench.core.analysis.results import Transcript
from workbench.core.jobs import CancelToken, Partial, Progress, TaskGenerator
from workbench.ml.recognizer.decode import BLANK, greedy_ctc_words
from workbench.ml.recognizer.net import CHARACTERS, build_recognizer
from workbench.ml.tasks.audio import Audio, frames_of, mono_at, read_frames
from workbench.ml.tasks.base import ModelProvider, ModelTaskSpec

DEFAULT_CHUNK_S = 30.0
DEFAULT_CONTEXT_S = 1.0
_SILENT_FRAME = -1e4  # log probability standing for "impossible" in padded frames


def transcribe(audio: Audio, sample_rate: int, params: dict, cancel: CancelToken,
               model_provider: ModelProvider) -> TaskGenerator:
    """Task: the words spoken in `audio`, with times in seconds from its start.

    params: `chunk_s` (default 30), `context_s` (default 1).
    """
    card = model_provider.card
    characters = card.alphabet if card.alphabet is not None else CHARACTERS
    spf = model_provider.model().seconds_per_frame
    total_s = frames_of(audio) / sample_rate
    n_out = math.ceil(total_s / spf - 1e-9)
    chunk = max(1, round(params.get("chunk_s", DEFAULT_CHUNK_S) / spf))
    context = max(0, round(params.get("context_s", DEFAULT_CONTEXT_S) / spf))
    kept: list[np.ndarray] = []
    words = []
    for first in range(0, n_out, chunk):
        cancel.check()
        count = min(chunk, n_out - first)
        lead = min(context, first)
        start_s, stop_s = (first - lead) * spf, min(total_s, (first + count + context) * spf)
        samples = read_frames(audio, round(start_s * sample_rate), round(stop_s * sample_rate))
        signal = mono_at(samples, sample_rate, card.sample_rate)
        log_probs = yield from model_provider.infer(
            lambda model, device, x=signal: model(torch.from_numpy(x)[None].to(device))[0]
            .float().cpu().numpy())
        piece = _frames(log_probs, lead, count)
        kept.append(piece)
        words += greedy_ctc_words(piece, characters, spf, offset=first * spf)
        yield Partial(Transcript.from_words(words, model_provider.name,
                                            str(model_provider.device), 0.0, (0.0, total_s)))
        yield Progress((first + count) / n_out,
                       f"Transcribing: {min(total_s, (first + count) * spf):.0f} of "
                       f"{total_s:.0f} s")
    posteriorgram = np.concatenate(kept) if kept else np.zeros((0, len(characters) + 1))
    words = [replace(w, end=min(w.end, total_s))
             for w in greedy_ctc_words(posteriorgram, characters, spf)]
    return Transcript.from_words(words, model_provider.name, str(model_provider.device), 0.0,
                                 (0.0, total_s))


def _frames(log_probs: np.ndarray, lead: int, count: int) -> np.ndarray:
    """Rows [lead, lead + count), padded with certain blanks if the model gave fewer."""
    piece = log_probs[lead:lead + count]
    if len(piece) < count:
        pad = np.full((count - len(piece), log_probs.shape[1]), _SILENT_FRAME, np.float32)
        pad[:, BLANK] = 0.0
        piece = np.concatenate([piece, pad])
    return piece


SPEC = ModelTaskSpec(kind="transcribe", zoo_task="speech-recognition", family="recognizer",
                     build_model=build_recognizer, run=transcribe)

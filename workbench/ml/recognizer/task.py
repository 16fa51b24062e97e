"""The "transcribe" task: the CTC recognizer over audio of any length.

The audio goes through a `RecognizerStream` in blocks of `block_s` seconds (the same
posteriors as one whole-file pass, so block seams change nothing); after each block
the greedy words so far are yielded as a Partial transcript.  At the end the
posteriorgram is cut at its most silent frames into pieces of at most `MAX_SEGMENT_S`
and each piece is decoded: by default with the beam search and the word LM that the
model's card names (`"lm"`, a file beside the card), else greedily; word times and
confidences come from forced alignment of the decoded text (`align`).
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from workbench.core.analysis.results import Transcript, Word
from workbench.core.jobs import CancelToken, Partial, Progress, TaskGenerator
from workbench.ml.recognizer.align import align_words
from workbench.ml.recognizer.beam import BeamSettings, beam_search
from workbench.ml.recognizer.decode import BLANK, greedy_ctc_words
from workbench.ml.recognizer.lm import BigramLM, read_arpa
from workbench.ml.recognizer.net import CHARACTERS, build_recognizer
from workbench.ml.recognizer.pretrained_ctc import pretrained_task as ctc_task
from workbench.ml.recognizer.pretrained_names import PRETRAINED_RECOGNIZERS
from workbench.ml.recognizer.pretrained_rnnt import pretrained_task as rnnt_task
from workbench.ml.recognizer.stream import RecognizerStream
from workbench.ml.tasks.audio import Audio, frames_of, mono_at, read_frames
from workbench.ml.tasks.base import ModelProvider, ModelTaskSpec

DEFAULT_BLOCK_S = 30.0
MAX_SEGMENT_S = 30.0


def transcribe(audio: Audio, sample_rate: int, params: dict, cancel: CancelToken,
               model_provider: ModelProvider) -> TaskGenerator:
    """Task: the words spoken in `audio`, with times in seconds from its start.

    params: `block_s` (default 30; `chunk_s` is an older name for it), `decoder` ("beam", the default when the model has
    an LM, or "greedy").  The result's words carry start, end and confidence.
    """
    card = model_provider.card
    characters = card.alphabet if card.alphabet is not None else CHARACTERS
    total = frames_of(audio)
    total_s = total / sample_rate
    block_s = params.get("block_s", params.get("chunk_s", DEFAULT_BLOCK_S))
    block = max(1, round(block_s * sample_rate))
    holder: dict[str, RecognizerStream] = {}
    rows: list[np.ndarray] = []
    spf = 0.04
    for start in range(0, total, block):
        cancel.check()
        stop = min(total, start + block)
        signal = mono_at(read_frames(audio, start, stop), sample_rate, card.sample_rate)
        new = yield from model_provider.infer(
            lambda model, device, x=signal: _stream(holder, model, device).feed(x))
        spf = holder["stream"].net.seconds_per_frame
        rows.append(new)
        words = greedy_ctc_words(np.concatenate(rows), characters, spf)
        yield Partial(Transcript.from_words(words, model_provider.name,
                                            str(model_provider.device), 0.0, (0.0, total_s)))
        yield Progress(stop / total, f"Transcribing: {stop / sample_rate:.0f} of "
                                     f"{total_s:.0f} s")
    if holder:
        rows.append((yield from model_provider.infer(
            lambda model, device: _stream(holder, model, device).finish())))
    posteriorgram = np.concatenate(rows) if rows else np.zeros((0, len(characters) + 1))
    lm = _language_model(model_provider) if params.get("decoder", "beam") == "beam" else None
    words = decode_words(posteriorgram, characters, spf, lm)
    words = [replace(w, end=min(w.end, total_s)) for w in words]
    return Transcript.from_words(words, model_provider.name, str(model_provider.device), 0.0,
                                 (0.0, total_s))


def decode_words(posteriorgram: np.ndarray, characters: str, seconds_per_frame: float,
                 lm: BigramLM | None, settings: BeamSettings | None = None,
                 beam: bool = True) -> list[Word]:
    """Timed words of a whole posteriorgram: beam search (with ``lm`` when given) or greedy
    text per segment, then forced alignment for times and confidences."""
    words: list[Word] = []
    limit = max(1, round(MAX_SEGMENT_S / seconds_per_frame))
    for first, stop in segments(posteriorgram, limit):
        piece = posteriorgram[first:stop]
        if beam:
            text = beam_search(piece, characters, lm, settings or BeamSettings())
        else:
            text = " ".join(w.word for w in greedy_ctc_words(piece, characters, 1.0))
        words += align_words(piece, text, characters, seconds_per_frame,
                             offset=first * seconds_per_frame)
    return words


def segments(posteriorgram: np.ndarray, limit: int) -> list[tuple[int, int]]:
    """[first, stop) frame ranges of at most ``limit`` frames, cut at the frame with the
    most certain blank in the second half of each range."""
    out, first, count = [], 0, len(posteriorgram)
    while first < count:
        if count - first <= limit:
            out.append((first, count))
            break
        lo = first + limit // 2
        cut = lo + int(np.argmax(posteriorgram[lo:first + limit, BLANK])) + 1
        out.append((first, cut))
        first = cut
    return out


def _stream(holder: dict, model, device) -> RecognizerStream:
    """The job's stream on `model`; after a device change, a new one that has heard the
    same audio (its rows up to now were already returned, so they are dropped)."""
    stream = holder.get("stream")
    if stream is None or stream.net is not model:
        fresh = RecognizerStream(model, device)
        if stream is not None:
            fresh.feed(stream.audio)
        holder["stream"] = stream = fresh
    return stream


def _language_model(provider: ModelProvider) -> BigramLM | None:
    name = provider.card.extra.get("lm")
    folder = getattr(provider, "folder", None)
    if not name or folder is None:
        return None
    path = Path(folder) / str(name)
    return _read_lm(str(path), path.stat().st_mtime) if path.is_file() else None


@lru_cache(maxsize=2)
def _read_lm(path: str, mtime: float) -> BigramLM:
    return read_arpa(path)


# How each pretrained recognizer runs: a CTC model over characters, or an RNN-T.
_PRETRAINED_TASKS = {"WAV2VEC2_ASR_BASE_960H": ctc_task,
                     "EMFORMER_RNNT_BASE_LIBRISPEECH": rnnt_task}

SPEC = ModelTaskSpec(kind="transcribe", zoo_task="speech-recognition", family="recognizer",
                     build_model=build_recognizer, run=transcribe,
                     pretrained={name: _PRETRAINED_TASKS[name](name)
                                 for name in PRETRAINED_RECOGNIZERS})

"""torchaudio's Emformer RNN-T recognizer (EMFORMER_RNNT_BASE_LIBRISPEECH) through the
transcribe task, the way torchaudio's own RNN-T pipeline runs it.

`load_emformer_rnnt(name, device)` reads the model manager's three cached files (the
checkpoint, the feature statistics JSON, the sentencepiece model; torch's hub cache,
where torchaudio's bundle puts them): the checkpoint with the safe loader into an
`emformer_rnnt_model` of the checkpoint's own sizes (zoo.pretrained_shapes), so the
published model and a smaller one (made by a test) load the same way.  The blank is
the joint network's last output (4096 for the published model), and the
sentencepiece model must have exactly the pieces before it.

`transcribe_emformer` computes the pipeline's log-mel features (rnnt/features.py)
block by block and runs torchaudio's RNN-T beam search (beam width 10,
rnnt/beam_search.py) over the whole file as one search that carries its hypotheses
from window to window.  The encoder runs over windows whose outputs equal one pass
over the whole file (`EncoderWindows`); that one pass would attend over a frames x
frames mask, gigabytes for ten minutes of audio.  After each block of `block_s`
seconds the best hypothesis so far is yielded as a Partial transcript.  An encoder
frame is 160 samples x the time reduction stride (4) = 40 ms at 16 kHz; word times
and confidences come from the emitted tokens (rnnt/word_pieces.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch
from torch import nn

from workbench.core.analysis.results import Transcript, Word
from workbench.core.jobs import CancelToken, Partial, Progress, TaskGenerator
from workbench.ml.errors import ModelLoadError
from workbench.ml.recognizer.rnnt.beam_search import TimedRNNTBeamSearch, TimedTokens, best_tokens
from workbench.ml.recognizer.rnnt.features import (
    HOP,
    N_MELS,
    RATE,
    LogMelStream,
    read_global_stats,
)
from workbench.ml.recognizer.rnnt.word_pieces import WordPieceVocabulary, timed_words
from workbench.ml.tasks.audio import Audio, frames_of, mono_at, read_frames
from workbench.ml.tasks.base import ModelProvider, PretrainedTask
from workbench.ml.zoo import ModelCard
from workbench.ml.zoo.pretrained import downloaded_info, load_pretrained

BEAM_WIDTH = 10  # as torchaudio's pipeline example decodes
WINDOW_SEGMENTS = 192  # 30.7 s of audio a window: cancellation waits for at most one
DEFAULT_BLOCK_S = 30.0


class EmformerRecognizer(nn.Module):
    """The RNN-T with what its pipeline reads beside the checkpoint: the feature
    statistics (kept on the CPU, where the features are computed) and the word pieces.

    Built by `load_emformer_rnnt`; read-only afterwards, so the model cache may hand it
    to several jobs.
    """

    def __init__(self, rnnt: nn.Module, mean: torch.Tensor, invstddev: torch.Tensor,
                 vocabulary: WordPieceVocabulary) -> None:
        super().__init__()
        self.rnnt = rnnt
        self.mean, self.invstddev, self.vocabulary = mean, invstddev, vocabulary
        self.blank = rnnt.joiner.linear.out_features - 1
        self.stride = rnnt.transcriber.time_reduction.stride
        self.seconds_per_frame = HOP * self.stride / RATE

    def words(self, best: TimedTokens, end_s: float | None = None) -> list[Word]:
        """The timed words of a hypothesis (the special pieces dropped)."""
        kept = [i for i, token in enumerate(best.tokens)
                if token not in self.vocabulary.skipped and token < len(self.vocabulary)]
        return timed_words([self.vocabulary.pieces[best.tokens[i]] for i in kept],
                           [best.frames[i] for i in kept], [best.log_probs[i] for i in kept],
                           self.seconds_per_frame, end_s)


def load_emformer_rnnt(name: str, device: torch.device | str = "cpu") -> EmformerRecognizer:
    """The cached checkpoint and assets of pretrained model `name`, in eval mode on
    `device`; PretrainedNotDownloadedError naming the first missing file, ModelLoadError
    naming the file that does not fit."""
    info = downloaded_info(name)
    rnnt = load_pretrained(name, "cpu")
    stats_path, pieces_path = info.asset_paths
    bins = rnnt.transcriber.input_linear.in_features
    if bins != N_MELS:
        raise ModelLoadError(info.cache_path, f"not a {name} checkpoint: it takes {bins} "
                                              f"features a frame; the pipeline makes {N_MELS}")
    mean, invstddev = read_global_stats(stats_path, N_MELS)
    vocabulary = WordPieceVocabulary(pieces_path)
    symbols = rnnt.joiner.linear.out_features
    if len(vocabulary) != symbols - 1:
        raise ModelLoadError(pieces_path, f"has {len(vocabulary)} word pieces; the {name} "
                                          f"checkpoint emits {symbols - 1} and a blank")
    return EmformerRecognizer(rnnt, mean, invstddev, vocabulary).eval().to(device)


class EncoderWindows:
    """The Emformer encoder over feature frames pushed in pieces, window by window.

    It runs torchaudio's whole-utterance forward pass (five times faster on a CPU than
    the segment-by-segment streaming path, and the same numbers: its attention masks
    emulate streaming) over windows of at most `window_segments` segments.  A window
    starts `warmup` feature frames early, as far back as any of its outputs can see
    (each layer attends `left_context_length` encoder frames before its segment), so
    its outputs equal those of one pass over the whole file; the warm-up outputs are
    dropped.  Owned by one task; not thread-safe.
    """

    def __init__(self, rnnt: nn.Module, device: torch.device,
                 window_segments: int = WINDOW_SEGMENTS) -> None:
        self.rnnt, self.device = rnnt, device
        emformer = rnnt.transcriber.transformer
        self.stride = rnnt.transcriber.time_reduction.stride
        self.segment = emformer.segment_length * self.stride  # feature frames
        self.right = emformer.right_context_length * self.stride
        reach = len(emformer.emformer_layers) * (emformer.left_context_length
                                                 + emformer.segment_length)
        self.warmup = -(-reach * self.stride // self.segment) * self.segment
        self._window = window_segments * self.segment
        self._frames = torch.zeros(0, N_MELS)  # feature frames from `_base` on
        self._base = 0
        self._done = 0  # feature frames already encoded

    def push(self, frames: torch.Tensor) -> Iterator[tuple[int, torch.Tensor]]:
        """(first encoder frame, encoder frames (1, n, dim)) of each window the frames so
        far complete (each needs its right context)."""
        self._frames = torch.cat([self._frames, frames])
        while (count := min(self._window, self._ready() // self.segment * self.segment)) > 0:
            yield self._done // self.stride, self._encode(self._done, self._done + count)
            self._done += count
            keep = max(self._base, self._done - self.warmup)  # what later windows look back on
            self._frames, self._base = self._frames[keep - self._base:], keep

    def finish(self, frames: torch.Tensor) -> Iterator[tuple[int, torch.Tensor]]:
        """The last windows: the rest padded with zero (mean) frames to whole segments and
        a right context, as torchaudio pads its features (one segment when there was
        nothing at all)."""
        left = self._ready() + self.right + len(frames)
        if left > 0 or self._done == 0:
            whole = -(-max(1, left) // self.segment) * self.segment
            frames = torch.cat([frames, torch.zeros(whole + self.right - left, N_MELS)])
        yield from self.push(frames)

    def _ready(self) -> int:
        return self._base + len(self._frames) - self.right - self._done

    def _encode(self, start: int, stop: int) -> torch.Tensor:
        first = max(0, start - self.warmup)
        inputs = self._frames[first - self._base:stop + self.right - self._base]
        encoded, _ = self.rnnt.transcribe(inputs[None].to(self.device),
                                          torch.tensor([len(inputs)], device=self.device))
        return encoded[:, (start - first) // self.stride:]


class EmformerDecoding:
    """One job's decoding on one model and device: features, encoder windows and the beam
    search's hypotheses, advanced as audio is fed.  Owned by the task; not thread-safe."""

    def __init__(self, model: EmformerRecognizer, device: torch.device) -> None:
        self.model, self.device = model, device
        self.audio: list[np.ndarray] = []  # all 16 kHz audio fed, to replay on another device
        self._features = LogMelStream(model.mean, model.invstddev)
        self._encoder = EncoderWindows(model.rnnt, device)
        self._search = TimedRNNTBeamSearch(model.rnnt, model.blank, BEAM_WIDTH)
        self._hypotheses = None

    def feed(self, signal: np.ndarray, cancel: CancelToken) -> TimedTokens:
        """Decode `signal` (16 kHz) after what came before; the best hypothesis so far."""
        self._decode(self._encoder.push(self._features.feed(signal)), cancel)
        self.audio.append(signal)
        return self.best()

    def finish(self, cancel: CancelToken) -> TimedTokens:
        """Decode the rest; the best hypothesis of the whole audio."""
        self._decode(self._encoder.finish(self._features.finish()), cancel)
        return self.best()

    def best(self) -> TimedTokens:
        if self._hypotheses is None:
            return TimedTokens((), (), ())
        return best_tokens(self._hypotheses)

    def _decode(self, windows: Iterator[tuple[int, torch.Tensor]], cancel: CancelToken) -> None:
        cancel.check()
        for first, encoded in windows:
            self._hypotheses = self._search.search(encoded, self._hypotheses, first)
            cancel.check()


def transcribe_emformer(audio: Audio, sample_rate: int, params: dict, cancel: CancelToken,
                        model_provider: ModelProvider) -> TaskGenerator:
    """Task: the words in `audio` (see the module doc); params: `block_s`."""
    total = frames_of(audio)
    total_s = total / sample_rate
    block = max(1, round(params.get("block_s", DEFAULT_BLOCK_S) * sample_rate))
    holder: dict[str, EmformerDecoding] = {}
    for start in range(0, total, block):
        cancel.check()
        stop = min(total, start + block)
        signal = mono_at(read_frames(audio, start, stop), sample_rate, RATE)
        words = yield from model_provider.infer(
            lambda model, device, x=signal: _words(holder, model, device, x, cancel, total_s))
        yield Partial(Transcript.from_words(words, model_provider.name,
                                            str(model_provider.device), 0.0, (0.0, total_s)))
        yield Progress(stop / total, f"Transcribing: {stop / sample_rate:.0f} of "
                                     f"{total_s:.0f} s")
    words = yield from model_provider.infer(
        lambda model, device: _words(holder, model, device, None, cancel, total_s))
    return Transcript.from_words(words, model_provider.name, str(model_provider.device), 0.0,
                                 (0.0, total_s))


def _words(holder: dict, model: EmformerRecognizer, device: torch.device,
           signal: np.ndarray | None, cancel: CancelToken, end_s: float | None) -> list[Word]:
    """Feed `signal` (None: finish) to the job's decoding on `model`; after a device
    change, a fresh decoding first hears the same audio again."""
    decoding = holder.get("decoding")
    if decoding is None or decoding.model is not model:
        fresh = EmformerDecoding(model, device)
        for earlier in decoding.audio if decoding is not None else ():
            fresh.feed(earlier, cancel)
        holder["decoding"] = decoding = fresh
    best = decoding.finish(cancel) if signal is None else decoding.feed(signal, cancel)
    return model.words(best, end_s)


def pretrained_task(name: str) -> PretrainedTask:
    """How the transcribe task runs pretrained recognizer `name`."""
    card = ModelCard("speech-recognition", f"torchaudio {name}", RATE,
                     "LibriSpeech 960 h (torchaudio pipeline)", "none (downloaded)", "", "", {})
    return PretrainedTask(load_emformer_rnnt, transcribe_emformer, card)

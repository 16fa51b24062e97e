"""torchaudio's Emformer RNN-T recognizer (EMFORMER_RNNT_BASE_LIBRISPEECH) through the
transcribe task, the way torchaudio's own RNN-T pipeline runs it.

`load_emformer_rnnt(name, device)` reads the model manager's three cached files (the
checkpoint, the feature statistics JSON, the sentencepiece model; torch's hub cache,
where torchaudio's bundle puts them): the checkpoint with the safe loader into an
`emformer_rnnt_model` of the checkpoint's own sizes (zoo.pretrained_shapes), so the
published model and a smaller one (made by a test) load the same way.  The blank is
the joint network's last output (4096 for the published model), and the
sentencepiece model must have exactly the pieces before it.

`transcribe_emformer` computes the pipeline's log-mel features (rnnt_features) block
by block and runs torchaudio's RNN-T beam search (beam width 10, rnnt_beam) over the
whole file as one search: the encoder goes through the Emformer's streaming path one
segment (16 feature frames plus 4 of right context) at a time, and the search carries
its hypotheses from segment to segment.  (The whole-file forward pass attends over a
frames x frames mask: gigabytes for a ten-minute file.)  After each block of
`block_s` seconds the best hypothesis so far is yielded as a Partial transcript.  An
encoder frame is 160 samples x the time reduction stride (4) = 40 ms at 16 kHz; word
times and confidences come from the emitted tokens (word_pieces).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from workbench.core.analysis.results import Transcript, Word
from workbench.core.jobs import CancelToken, Partial, Progress, TaskGenerator
from workbench.ml.errors import ModelLoadError, PretrainedNotDownloadedError
from workbench.ml.recognizer.rnnt_beam import TimedRNNTBeamSearch, TimedTokens, best_tokens
from workbench.ml.recognizer.rnnt_features import (
    HOP,
    N_MELS,
    RATE,
    LogMelStream,
    read_global_stats,
)
from workbench.ml.recognizer.word_pieces import WordPieceVocabulary, timed_words
from workbench.ml.tasks.audio import Audio, frames_of, mono_at, read_frames
from workbench.ml.tasks.base import ModelProvider, PretrainedTask
from workbench.ml.zoo import ModelCard
from workbench.ml.zoo.pretrained import load_pretrained, pretrained_info
from workbench.ml.zoo.pretrained_shapes import EMFORMER_RIGHT_CONTEXT, EMFORMER_SEGMENT

BEAM_WIDTH = 10  # as torchaudio's pipeline example decodes
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
    info = pretrained_info(name)
    for path in (info.cache_path, *info.asset_paths):
        if not path.is_file():
            raise PretrainedNotDownloadedError(path, f"{name} is not downloaded yet ({path.name}"
                                                     f" is missing); download it in the "
                                                     f"model manager ({info.url})")
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


class EmformerDecoding:
    """One job's decoding on one model and device: features, encoder state and the beam
    search's hypotheses, advanced as audio is fed.  Owned by the task; not thread-safe."""

    def __init__(self, model: EmformerRecognizer, device: torch.device) -> None:
        self.model, self.device = model, device
        self.audio: list[np.ndarray] = []  # all 16 kHz audio fed, to replay on another device
        self._features = LogMelStream(model.mean, model.invstddev)
        self._search = TimedRNNTBeamSearch(model.rnnt, model.blank)
        self._pending = torch.zeros(0, N_MELS)  # feature frames not yet through the encoder
        self._state = None
        self._hypotheses = None
        self._frames = 0  # encoder frames decoded

    def feed(self, signal: np.ndarray, cancel: CancelToken) -> TimedTokens:
        """Decode `signal` (16 kHz) after what came before; the best hypothesis so far."""
        self._pending = torch.cat([self._pending, self._features.feed(signal)])
        self._run_segments(cancel)
        self.audio.append(signal)
        return self.best()

    def finish(self, cancel: CancelToken) -> TimedTokens:
        """Decode the rest, the last segment padded with zero (mean) frames as torchaudio
        pads its features; the best hypothesis of the whole audio."""
        pending = torch.cat([self._pending, self._features.finish()])
        segment = EMFORMER_SEGMENT
        if len(pending) or self._hypotheses is None:
            whole = -(-max(1, len(pending)) // segment) * segment
            pending = torch.cat([pending, torch.zeros(whole + EMFORMER_RIGHT_CONTEXT
                                                      - len(pending), N_MELS)])
        self._pending = pending
        self._run_segments(cancel)
        return self.best()

    def best(self) -> TimedTokens:
        if self._hypotheses is None:
            return TimedTokens((), (), ())
        return best_tokens(self._hypotheses)

    def _run_segments(self, cancel: CancelToken) -> None:
        step = EMFORMER_SEGMENT
        window = step + EMFORMER_RIGHT_CONTEXT
        while len(self._pending) >= window:
            cancel.check()
            chunk = self._pending[:window].to(self.device)
            self._search.frame_offset = self._frames
            self._hypotheses, self._state = self._search.infer(
                chunk, torch.tensor([window], device=self.device), BEAM_WIDTH,
                state=self._state, hypothesis=self._hypotheses)
            self._pending = self._pending[step:]
            self._frames += step // self.model.stride


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
            lambda model, device, x=signal: _words(holder, model, device, x, cancel, None))
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

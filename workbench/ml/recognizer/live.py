"""Words while a recording is being made.

`LiveRecognizer` takes the recording's audio block by block at its own rate and
channel count, converts it to the network's rate as it arrives
(`StreamingRateConverter`: block seams change nothing), runs it through a
`RecognizerStream` and keeps the greedy words heard so far.
`finish()` ends the stream and decodes the whole posteriorgram the way the
transcribe task does (beam search with the model's word LM, forced alignment).

`live_transcribe` is the task around it: it reads blocks from `next_block`
(another thread fills it; this module starts none), yields an empty Partial
Transcript once the model is loaded, then the greedy words as a Partial
Transcript whenever they change and returns the final Transcript
once `next_block` says the recording ended.  Word times are seconds from the
recording's first frame.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from workbench.core.analysis.results import Transcript, Word
from workbench.core.audio.streaming_rate import StreamingRateConverter
from workbench.core.jobs import CancelToken, Partial, Progress, TaskGenerator
from workbench.ml.recognizer.decode import greedy_ctc_words
from workbench.ml.recognizer.net import CHARACTERS, CtcRecognizer
from workbench.ml.recognizer.stream import RecognizerStream
from workbench.ml.recognizer.task import _language_model, decode_words
from workbench.ml.tasks.base import ModelProvider
from workbench.ml.tasks.live_blocks import waiting_blocks


class LiveRecognizer:
    """Blocks (frames x channels, or mono) at `input_rate` in -> words so far out.

    Not thread-safe: one owner feeds it."""

    def __init__(self, net: CtcRecognizer, characters: str, input_rate: int,
                 device="cpu") -> None:
        self.stream = RecognizerStream(net.eval(), device)
        self.characters = characters
        self.converter = StreamingRateConverter(input_rate, net.sample_rate)
        self.seconds_per_frame = net.seconds_per_frame
        self.words: list[Word] = []
        self._rows: list[np.ndarray] = []

    @property
    def input_frames(self) -> int:
        return self.converter.input_frames

    def feed(self, block: np.ndarray) -> bool:
        """Add audio; True when the words so far changed."""
        mono = block.mean(axis=1) if block.ndim == 2 else block
        return self._run(self.converter.feed(mono), end=False)

    def finish(self) -> np.ndarray:
        """End of the recording: the last rows; returns the whole posteriorgram."""
        self._run(self.converter.finish(), end=True)
        return np.concatenate(self._rows) if self._rows else \
            np.zeros((0, len(self.characters) + 1), np.float32)

    def _run(self, samples: np.ndarray, end: bool) -> bool:
        rows = self.stream.feed(samples) if len(samples) or not end else None
        if end:
            if len(samples):
                self._rows.append(rows)
            rows = self.stream.finish()
        if rows is None or len(rows) == 0:
            return False
        self._rows.append(rows)
        words = greedy_ctc_words(np.concatenate(self._rows), self.characters,
                                 self.seconds_per_frame)
        changed = [w.word for w in words] != [w.word for w in self.words]
        self.words = words
        return changed


def live_transcribe(next_block: Callable[[float], object], input_rate: int, params: dict,
                    cancel: CancelToken, provider: ModelProvider) -> TaskGenerator:
    """Task: the words of a recording while it is made (see the module doc).

    `next_block(timeout_s)` returns a float32 block, NO_BLOCK or None at the end
    (ml.tasks.live_blocks).
    params: `decoder` ("beam", the default, or "greedy") for the final words."""
    card = provider.card
    characters = card.alphabet if card.alphabet is not None else CHARACTERS
    yield Progress(None, f"Loading {provider.name}…")
    net = provider.model()
    live = LiveRecognizer(net, characters, input_rate, provider.device)
    yield Partial(_transcript([], provider, 0.0))  # loaded: listening from here on
    ended = False
    while not ended:
        cancel.check()
        samples, ended = waiting_blocks(next_block)
        if samples is not None and live.feed(samples):
            yield Partial(_transcript(live.words, provider, live.input_frames / input_rate))
    posteriorgram = live.finish()
    total_s = live.input_frames / input_rate
    lm = _language_model(provider) if params.get("decoder", "beam") == "beam" else None
    words = decode_words(posteriorgram, characters, live.seconds_per_frame, lm)
    words = [w for w in words if w.start < total_s]
    return _transcript([Word(w.word, w.start, min(w.end, total_s), w.confidence)
                        for w in words], provider, total_s)


def _transcript(words: list[Word], provider: ModelProvider, total_s: float) -> Transcript:
    return Transcript.from_words(words, provider.name, str(provider.device), 0.0,
                                 (0.0, total_s))

"""Classes while a recording is being made.

`LiveClassifier` takes the recording's audio block by block at its own rate and
channel count, mixes it to mono and converts it to the model's rate as it arrives
(`StreamingRateConverter`: block seams change nothing), and classifies each grid
window (start ``w * hop``) as soon as its last sample is in, several at once when a
backlog waits.  With a context layer, the newest windows are scored with what has
come so far and re-scored as later windows arrive (`WindowSequence`). `finish()`
adds what the whole-file task adds at the end (one window flush with the end, or the
looped short recording, or one silent window) and returns the same Classification as
the classify task gives for the finished recording, up to the resampler (the task
converts with torchaudio in chunks).

`live_classify` is the task around it: it reads blocks from `next_block`
(another thread fills it; this module starts none), yields an empty Partial
Classification once the model is loaded, then the windows classified so far as a
Partial Classification whenever new ones are in, and returns the final
Classification once `next_block` says the recording ended.  Times are seconds
from the recording's first frame.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from workbench.core.analysis.results import Classification
from workbench.core.audio.streaming_rate import StreamingRateConverter
from workbench.core.jobs import CancelToken, Partial, Progress, TaskGenerator
from workbench.core.labels.class_segments import DEFAULT_HYSTERESIS, Hysteresis
from workbench.ml.classifier import net as cnn_classifier
from workbench.ml.classifier.net import AudioClassifier, ClassifierConfig
from workbench.ml.classifier.task import (
    WindowSequence,
    _hysteresis,
    chunk_outputs,
    classification_of,
    window_starts,
)
from workbench.ml.tasks.base import ModelProvider
from workbench.ml.tasks.live_blocks import waiting_blocks


class LiveClassifier:
    """Blocks (frames x channels, or mono) at `input_rate` in -> window classes out.

    Not thread-safe: one owner feeds it."""

    def __init__(self, model: AudioClassifier, input_rate: int, device="cpu",
                 name: str = "", rule: Hysteresis = DEFAULT_HYSTERESIS) -> None:
        self.model, self.device, self.name, self.rule = model.eval(), device, name, rule
        self.config: ClassifierConfig = model.config
        self.input_rate = input_rate
        self.converter = StreamingRateConverter(input_rate, self.config.sample_rate)
        self._sequence = WindowSequence(len(self.config.labels))
        self._next = 0  # the next grid window to classify
        self._samples = np.zeros(0, np.float32)  # model-rate samples from _start on
        self._start = 0

    @property
    def windows(self) -> int:
        return self._next

    @property
    def model_samples(self) -> int:
        """Model-rate samples received so far."""
        return self._start + len(self._samples)

    def feed(self, block: np.ndarray) -> int:
        """Add audio; returns how many windows it completed."""
        mono = block.mean(axis=1) if block.ndim == 2 else block
        self._append(self.converter.feed(mono))
        return self._classify_grid()

    def so_far(self) -> Classification:
        """The windows classified so far (times from the recording's start)."""
        total = self.model_samples
        starts = np.arange(self._next, dtype=np.int64) * self.config.hop_samples
        return classification_of(self._probabilities(), starts, self.config, total,
                                 self.name, str(self.device), self.rule)

    def finish(self) -> Classification:
        """End of the recording: the last windows; the whole recording's Classification."""
        total = math.floor(self.converter.input_frames * self.config.sample_rate
                           / self.input_rate)
        self._append(self.converter.finish(total))
        if self.model_samples > total:  # the streamed part may reach a little past it
            self._samples = self._samples[:max(0, total - self._start)]
        self._classify_grid()
        starts = window_starts(total, self.config)
        if len(starts) > self._next:  # the window flush with the end (or the looped one)
            first = int(starts[-1])
            last = min(total, first + self.config.window_samples)
            self._classify(self._window(first, last))
        elif total == 0:  # nothing recorded: one silent window, as the task does
            self._classify(np.zeros(0, np.float32))
            starts = np.zeros(1, dtype=np.int64)
        return classification_of(self._probabilities(), starts, self.config, total,
                                 self.name, str(self.device), self.rule)

    def _append(self, samples: np.ndarray) -> None:
        if len(samples):
            self._samples = np.concatenate([self._samples, samples])

    def _classify_grid(self) -> int:
        config = self.config
        count = cnn_classifier.window_count(self.model_samples, config) - self._next
        if count <= 0:
            return 0
        first = self._next * config.hop_samples
        last = (self._next + count - 1) * config.hop_samples + config.window_samples
        self._classify(self._window(first, last))
        self._next += count
        # Keep what later windows read: the next grid window, and the last window's
        # length for the window laid flush with the end at finish().
        keep_from = max(0, min(self._next * config.hop_samples,
                               self.model_samples - config.window_samples))
        if keep_from > self._start:
            self._samples = self._samples[keep_from - self._start:]
            self._start = keep_from
        return count

    def _window(self, first: int, last: int) -> np.ndarray:
        return self._samples[first - self._start:last - self._start]

    def _classify(self, samples: np.ndarray) -> None:
        self._sequence.add(self.model, chunk_outputs(self.model, samples, self.device),
                           self.device)

    def _probabilities(self) -> np.ndarray:
        return self._sequence.probabilities


def live_classify(next_block: Callable[[float], object], input_rate: int, params: dict,
                  cancel: CancelToken, provider: ModelProvider) -> TaskGenerator:
    """Task: the classes of a recording while it is made (see the module doc).

    `next_block(timeout_s)` returns a float32 block, NO_BLOCK or None at the end
    (ml.tasks.live_blocks).
    params: ``enter``, ``leave``, ``min_windows`` (the segment hysteresis), as for
    the classify task."""
    card = provider.card
    if card.architecture != cnn_classifier.ARCHITECTURE:
        raise ValueError(f"{provider.name}: live classes need a "
                         f"{cnn_classifier.ARCHITECTURE} model, not {card.architecture}")
    yield Progress(None, f"Loading {provider.name}…")
    live = LiveClassifier(provider.model(), input_rate, provider.device, provider.name,
                          _hysteresis(params))
    yield Partial(live.so_far())  # loaded: listening from here on
    ended = False
    while not ended:
        cancel.check()
        samples, ended = waiting_blocks(next_block)
        if samples is not None and live.feed(samples):
            yield Partial(live.so_far())
    return live.finish()

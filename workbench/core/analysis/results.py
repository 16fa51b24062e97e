"""Results of the model tasks: transcripts, enhanced audio, classifications.

These are plain immutable values.  The model tasks (workbench/ml/tasks) build
them, the command line prints them, and the GUI stores them on the document
(`Document.analyses`, through the commands in analysis_commands.py).

Times are seconds.  A task computes times relative to the audio it was given;
`placed(offset)` moves a result to where that audio sits in the document, and
`span` is the (start, end) of the document range the result covers.  Every
result records the model that made it, the device it ran on and how long it
took (`elapsed`, seconds).

Re-running a model on a selection merges into the result already there:
`merged_transcripts` and `merged_classifications` replace whatever the older
result said inside the new span and keep the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from workbench.core.audio.blocks import BlockSequence

# The kinds of model job the workbench knows, in menu order.  The registry of
# how each runs lives in workbench.ml.model_tasks.MODEL_TASKS (which imports torch).
MODEL_KINDS = ("transcribe", "enhance", "classify")

Span = tuple[float, float]


@dataclass(frozen=True)
class RunInfo:
    """Which model a job runs and on which device; tasks yield it as a Partial.

    A job yields one when the model is chosen and another if it moves to the
    CPU after running out of GPU memory (`message` then says so).
    """

    model: str
    device: str
    message: str = ""


@dataclass(frozen=True)
class Word:
    """One recognised word, from `start` to `end` seconds, with a confidence in [0, 1]."""

    word: str
    start: float
    end: float
    confidence: float


@dataclass(frozen=True)
class Transcript:
    """What a speech recognizer heard: words in time order and their text."""

    words: tuple[Word, ...]
    text: str
    model: str
    device: str
    elapsed: float
    span: Span

    @classmethod
    def from_words(cls, words: Sequence[Word], model: str, device: str, elapsed: float,
                   span: Span) -> Transcript:
        ordered = tuple(sorted(words, key=lambda w: (w.start, w.end)))
        return cls(ordered, " ".join(w.word for w in ordered), model, device, elapsed, span)

    def placed(self, offset: float) -> Transcript:
        """This transcript with every time moved later by `offset` seconds."""
        words = tuple(replace(w, start=w.start + offset, end=w.end + offset) for w in self.words)
        return replace(self, words=words, span=(self.span[0] + offset, self.span[1] + offset))


@dataclass(frozen=True, eq=False)
class EnhancedAudio:
    """Cleaned-up audio for `span`: frames x channels at `sample_rate`.

    It has the channel count and length of the audio the task was given, so
    applying it replaces exactly that range.
    """

    samples: BlockSequence
    sample_rate: int
    model: str
    device: str
    elapsed: float
    span: Span

    def placed(self, offset: float) -> EnhancedAudio:
        return replace(self, span=(self.span[0] + offset, self.span[1] + offset))


@dataclass(frozen=True)
class Segment:
    """A stretch of audio given one class `label`, from `start` to `end` seconds."""

    start: float
    end: float
    label: str
    confidence: float


@dataclass(frozen=True, eq=False)
class Classification:
    """Class probabilities of sliding windows, and the segments they add up to.

    `probabilities` is windows x classes (rows sum to 1); window i starts at
    `window_starts[i]` seconds and lasts `window_s`; windows follow each other
    every `hop_s` seconds (after a merge the grid may have a seam where the
    re-run span begins).  `window_starts` defaults to the regular grid from
    the span's start.  `window_embeddings` (windows x features), present only when
    the task was asked for them, holds what the classifier's last layer read for each
    window (its penultimate features); a merge or a saved project drops them.
    """

    labels: tuple[str, ...]
    hop_s: float
    window_s: float
    probabilities: np.ndarray
    segments: tuple[Segment, ...]
    model: str
    device: str
    elapsed: float
    span: Span
    window_starts: np.ndarray | None = field(default=None)
    window_embeddings: np.ndarray | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        probs = np.asarray(self.probabilities, dtype=np.float32).reshape(-1, len(self.labels))
        object.__setattr__(self, "probabilities", probs)
        if self.window_starts is None:
            starts = self.span[0] + np.arange(len(probs)) * self.hop_s
        else:
            starts = np.asarray(self.window_starts, dtype=np.float64)
        if len(starts) != len(probs):
            raise ValueError(f"{len(starts)} window starts for {len(probs)} windows")
        object.__setattr__(self, "window_starts", starts)
        if self.window_embeddings is not None:
            embeddings = np.asarray(self.window_embeddings, dtype=np.float32)
            if len(embeddings) != len(probs):
                raise ValueError(f"{len(embeddings)} window embeddings for {len(probs)} windows")
            object.__setattr__(self, "window_embeddings", embeddings.reshape(len(probs), -1))
        object.__setattr__(self, "labels", tuple(self.labels))
        object.__setattr__(self, "segments", tuple(self.segments))

    def placed(self, offset: float) -> Classification:
        segments = tuple(replace(s, start=s.start + offset, end=s.end + offset)
                         for s in self.segments)
        return replace(self, segments=segments, window_starts=self.window_starts + offset,
                       span=(self.span[0] + offset, self.span[1] + offset))

    def window_nearest(self, time_s: float) -> int | None:
        """Index of the window whose centre is nearest ``time_s`` (None: no windows)."""
        if not len(self.window_starts):
            return None
        return int(np.argmin(np.abs(self.window_starts + self.window_s / 2 - time_s)))

    def summary(self) -> dict[str, float]:
        """Seconds of audio per label (every label, in label order)."""
        totals = dict.fromkeys(self.labels, 0.0)
        for s in self.segments:
            totals[s.label] = totals.get(s.label, 0.0) + (s.end - s.start)
        return totals


def segments_from_windows(probabilities: np.ndarray, labels: Sequence[str],
                          window_starts: np.ndarray, window_s: float, span: Span
                          ) -> tuple[Segment, ...]:
    """Runs of windows with the same most likely label, as segments covering `span`.

    Each window speaks for the stretch around its centre; a boundary between
    two runs lies halfway between the centres of their neighbouring windows.
    A segment's confidence is the mean top probability of its windows.
    """
    probs = np.asarray(probabilities)
    if len(probs) == 0:
        return ()
    best = probs.argmax(axis=1)
    top = probs.max(axis=1)
    centres = np.asarray(window_starts) + window_s / 2
    segments, run_start = [], 0
    for i in range(1, len(best) + 1):
        if i < len(best) and best[i] == best[run_start]:
            continue
        start = span[0] if run_start == 0 else (centres[run_start - 1] + centres[run_start]) / 2
        end = span[1] if i == len(best) else (centres[i - 1] + centres[i]) / 2
        segments.append(Segment(float(start), float(end), labels[best[run_start]],
                                float(top[run_start:i].mean())))
        run_start = i
    return tuple(segments)


# -- merging a re-run on a selection into the result already there ------------------

def _inside(t: float, span: Span) -> bool:
    return span[0] <= t < span[1]


def _hull(a: Span, b: Span) -> Span:
    return (min(a[0], b[0]), max(a[1], b[1]))


def merged_transcripts(old: Transcript, new: Transcript) -> Transcript:
    """`old` with its words inside `new.span` replaced by `new`'s words.

    A word belongs to the span its midpoint lies in.  Model, device and timing
    are the newer run's.
    """
    kept = [w for w in old.words if not _inside((w.start + w.end) / 2, new.span)]
    return Transcript.from_words(kept + list(new.words), new.model, new.device, new.elapsed,
                                 _hull(old.span, new.span))


def merged_classifications(old: Classification, new: Classification) -> Classification:
    """`old` with its windows and segments inside `new.span` replaced by `new`'s.

    Windows belong to the span their centre lies in; an old segment that
    reaches into the span is cut at its edges.  When the two were made with
    different label sets they cannot be combined, and `new` is returned.
    """
    if old.labels != new.labels:
        return new
    centres = old.window_starts + old.window_s / 2
    keep = ~((centres >= new.span[0]) & (centres < new.span[1]))
    starts = np.concatenate([old.window_starts[keep], new.window_starts])
    probs = np.concatenate([old.probabilities[keep], new.probabilities])
    order = np.argsort(starts, kind="stable")
    segments = [piece for s in old.segments for piece in _cut(s, new.span)]
    segments = sorted(segments + list(new.segments), key=lambda s: (s.start, s.end))
    return replace(new, probabilities=probs[order], window_starts=starts[order],
                   segments=tuple(segments), span=_hull(old.span, new.span))


def _cut(segment: Segment, span: Span) -> list[Segment]:
    """The parts of `segment` outside `span`."""
    pieces = []
    if segment.start < span[0]:
        pieces.append(replace(segment, end=min(segment.end, span[0])))
    if segment.end > span[1]:
        pieces.append(replace(segment, start=max(segment.start, span[1])))
    return pieces


def merged(old: object | None, new: object) -> object:
    """The result to store when `new` arrives where `old` (maybe None) was stored."""
    if isinstance(old, Transcript) and isinstance(new, Transcript):
        return merged_transcripts(old, new)
    if isinstance(old, Classification) and isinstance(new, Classification):
        return merged_classifications(old, new)
    return new

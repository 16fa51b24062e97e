"""Edits that change samples in place: silence, gain, normalize, fades, reverse.

They keep the length, so labels stay put.  Each applies to [start, stop) of
the selected channels only (`channels`: flat channel indices as in
`Selection.channels`; None means all).  All arithmetic is float32 on the
samples with gains computed in float64 and rounded to float32 once, so the
result is the same bits whatever the chunking, and a test can reproduce it.

Curves, for a range of n frames and frame i in it (r = i / (n - 1), 0 if n == 1):
  linear fade in: gain r;   logarithmic fade in: 0 at r == 0, else 10 ** (3 (r - 1)),
  i.e. a straight line in dB from -60 dB to 0 dB.  Fades out use the same curve
  with r replaced by 1 - r (computed as (n - 1 - i) / (n - 1)).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable

import numpy as np

from workbench.core.audio.blocks import MAX_NEW_BLOCK_FRAMES
from workbench.core.document.document import Document
from workbench.core.document.edits import (
    EditError,
    EditPlan,
    SampleEditCommand,
    Splice,
    Transform,
    check_range,
    created_bytes,
    render_in_place,
    selected_tracks,
)
from workbench.core.time_format import seconds_text, span_text

LOG_FADE_FLOOR_DB = -60.0


class FadeCurve(enum.Enum):
    LINEAR = "linear"
    LOGARITHMIC = "logarithmic"


class NormalizeMode(enum.Enum):
    PEAK = "peak"
    RMS = "RMS"


def db_to_gain(db: float) -> float:
    return 10.0 ** (db / 20.0)


class InPlaceEffectCommand(SampleEditCommand):
    """Base of the effects: subclasses name the step and give the transform."""

    what = "Effect"

    def __init__(self, start: int, stop: int, channels: Iterable[int] | None = None) -> None:
        super().__init__()
        self.start, self.stop = start, stop
        self.channels = None if channels is None else frozenset(channels)
        self.label = self.what

    def step_label(self, doc: Document) -> str:
        return f"{self.what} {span_text(self.start, self.stop, doc.sample_rate)}"

    def transform(self, doc: Document) -> Transform:
        raise NotImplementedError

    def plan(self, doc: Document) -> EditPlan:
        check_range(doc, self.start, self.stop, self.what)
        tracks = selected_tracks(doc, self.channels)
        transform = self.transform(doc)
        splices = []
        for t, chans in tracks:
            seq = doc.tracks[t].samples
            new = render_in_place(seq, self.start, self.stop, chans, transform)
            splices.append(Splice(t, self.start, seq.slice(self.start, self.stop), new))
        return EditPlan(self.step_label(doc), tuple(splices),
                        created_bytes=sum(created_bytes(s.inserted) for s in splices))


def _scaled(factor: np.float32) -> Transform:
    def apply(read, offset, count, total):
        return read(offset, offset + count) * factor
    return apply


class SilenceCommand(InPlaceEffectCommand):
    """Set the range to zero."""

    what = "Silence"

    def transform(self, doc: Document) -> Transform:
        # Multiplying by zero would keep NaN; silence means exact zeros.
        return lambda read, offset, count, total: np.zeros_like(read(offset, offset + count))


class GainCommand(InPlaceEffectCommand):
    """Multiply the range by `db` decibels of gain."""

    what = "Gain"

    def __init__(self, start: int, stop: int, db: float,
                 channels: Iterable[int] | None = None) -> None:
        super().__init__(start, stop, channels)
        if not math.isfinite(db):
            raise ValueError("gain must be a finite number of dB")
        self.db = float(db)
        self.label = f"Gain {self.db:+.1f} dB"

    def step_label(self, doc: Document) -> str:
        return f"Gain {self.db:+.1f} dB"

    def transform(self, doc: Document) -> Transform:
        return _scaled(np.float32(db_to_gain(self.db)))


class NormalizeCommand(InPlaceEffectCommand):
    """Scale the range so its peak (or RMS) over the selected channels is `target_db` dBFS.

    One gain for all selected channels, so their balance is kept.  Raises
    EditError on a silent range.  RMS normalizing may push peaks above 0 dBFS;
    samples are float and are not clipped.
    """

    what = "Normalize"

    def __init__(self, start: int, stop: int, target_db: float = -1.0,
                 mode: NormalizeMode = NormalizeMode.PEAK,
                 channels: Iterable[int] | None = None) -> None:
        super().__init__(start, stop, channels)
        if not math.isfinite(target_db):
            raise ValueError("the normalize target must be a finite number of dB")
        self.target_db, self.mode = float(target_db), mode

    def step_label(self, doc: Document) -> str:
        return f"Normalize to {self.target_db:.1f} dB {self.mode.value}"

    def transform(self, doc: Document) -> Transform:
        level = self.measure(doc)
        if level == 0.0:
            raise EditError("Normalize: the selection is silent")
        return _scaled(np.float32(db_to_gain(self.target_db) / level))

    def measure(self, doc: Document) -> float:
        """Peak or RMS of the selected samples.

        Read in fixed chunks counted from `start` (not per block), so the sum
        of squares, and with it the gain, does not depend on how earlier edits
        happened to split the audio into blocks.
        """
        peak, squares, count = 0.0, 0.0, 0
        for t, chans in selected_tracks(doc, self.channels):
            seq = doc.tracks[t].samples
            for a in range(self.start, self.stop, MAX_NEW_BLOCK_FRAMES):
                x = seq.read(a, min(a + MAX_NEW_BLOCK_FRAMES, self.stop))[:, chans]
                if x.size:
                    peak = max(peak, float(np.max(np.abs(x))))
                    squares += float(np.sum(np.square(x, dtype=np.float64)))
                    count += x.size
        if self.mode is NormalizeMode.PEAK:
            return peak
        return math.sqrt(squares / count) if count else 0.0


def fade_gains(offset: int, count: int, total: int, fade_in: bool,
               curve: FadeCurve) -> np.ndarray:
    """Gains (float32) of frames [offset, offset + count) of a fade over `total` frames."""
    i = np.arange(offset, offset + count, dtype=np.float64)
    span = max(total - 1, 1)
    r = i / span if fade_in else (total - 1 - i) / span
    if curve is FadeCurve.LINEAR:
        g = r
    else:
        g = np.where(r == 0.0, 0.0, np.power(10.0, (r - 1.0) * (-LOG_FADE_FLOOR_DB / 20.0)))
    return g.astype(np.float32)


class FadeCommand(InPlaceEffectCommand):
    """Fade the range in (from silence) or out (to silence) along `curve`."""

    def __init__(self, start: int, stop: int, fade_in: bool,
                 curve: FadeCurve = FadeCurve.LINEAR,
                 channels: Iterable[int] | None = None) -> None:
        super().__init__(start, stop, channels)
        self.fade_in, self.curve = fade_in, curve
        self.what = "Fade in" if fade_in else "Fade out"
        self.label = self.what

    def step_label(self, doc: Document) -> str:
        name = f"{self.what} {seconds_text(self.stop - self.start, doc.sample_rate)} s"
        return name if self.curve is FadeCurve.LINEAR else f"{name} (logarithmic)"

    def transform(self, doc: Document) -> Transform:
        def apply(read, offset, count, total):
            gains = fade_gains(offset, count, total, self.fade_in, self.curve)
            return read(offset, offset + count) * gains[:, None]
        return apply


class FadeInCommand(FadeCommand):
    """A fade in over [start, stop)."""

    def __init__(self, start: int, stop: int, curve: FadeCurve = FadeCurve.LINEAR,
                 channels: Iterable[int] | None = None) -> None:
        super().__init__(start, stop, True, curve, channels)


class FadeOutCommand(FadeCommand):
    """A fade out over [start, stop)."""

    def __init__(self, start: int, stop: int, curve: FadeCurve = FadeCurve.LINEAR,
                 channels: Iterable[int] | None = None) -> None:
        super().__init__(start, stop, False, curve, channels)


class ReverseCommand(InPlaceEffectCommand):
    """Play the range backwards."""

    what = "Reverse"

    def transform(self, doc: Document) -> Transform:
        def apply(read, offset, count, total):
            return read(total - offset - count, total - offset)[::-1]
        return apply


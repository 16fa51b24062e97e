"""The selected time range (and channels) of a document, and zero-crossing snapping.

A `Selection` is an immutable value; the document holds the current one and
announces changes through `Document.selection_changed`.  Channels are named by
their flat index across the document's tracks (track 0's channels first), the
order in which the waveform lanes are drawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from workbench.core.audio.blocks import BlockSequence


@dataclass(frozen=True)
class Selection:
    """Frames [start, stop) on the channels in `channels` (None: every channel).

    `start == stop` is a cursor: nothing selected, but a position to paste or
    insert at.
    """

    start: int = 0
    stop: int = 0
    channels: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.stop:
            raise ValueError(f"a selection needs 0 <= start <= stop, got {self.start}..{self.stop}")
        if self.channels is not None:
            object.__setattr__(self, "channels", frozenset(int(c) for c in self.channels))
            if not self.channels or min(self.channels) < 0:
                raise ValueError("a channel selection names at least one channel, none negative")

    @classmethod
    def between(cls, a: int, b: int, channels: Iterable[int] | None = None) -> Selection:
        """The range between two positions in either order (as a mouse drag gives them)."""
        chans = None if channels is None else frozenset(channels)
        return cls(max(0, min(a, b)), max(0, a, b), chans)

    @property
    def length(self) -> int:
        return self.stop - self.start

    @property
    def is_empty(self) -> bool:
        return self.stop == self.start

    def includes_channel(self, channel: int) -> bool:
        return self.channels is None or channel in self.channels

    def with_range(self, start: int, stop: int) -> Selection:
        return replace(self, start=start, stop=stop)

    def with_channels(self, channels: Iterable[int] | None) -> Selection:
        return replace(self, channels=None if channels is None else frozenset(channels))

    def clamped(self, frames: int, channel_count: int) -> Selection:
        """This selection limited to a document of `frames` frames and `channel_count` channels.

        A channel set that names no existing channel falls back to all channels,
        and so does one that names every channel (both mean the same to edits).
        """
        start, stop = min(self.start, frames), min(self.stop, frames)
        chans = self.channels
        if chans is not None:
            chans = frozenset(c for c in chans if c < channel_count)
            if not chans or len(chans) == channel_count:
                chans = None
        return Selection(start, stop, chans)


def zero_crossing_near(samples: np.ndarray, position: int, radius: int) -> int | None:
    """The zero crossing nearest to `position` within `radius` frames, or None.

    `samples` is frames x channels (or 1-D) covering the search window, with
    `position` an index into it.  A crossing at frame i means the summed
    channels change sign between frames i-1 and i, or are exactly zero at i.
    Ties go to the earlier frame.
    """
    x = np.asarray(samples, dtype=np.float64)
    mix = x.sum(axis=1) if x.ndim == 2 else x
    lo, hi = max(0, position - radius), min(len(mix) - 1, position + radius)
    if hi < lo:
        return None
    here = mix[lo : hi + 1]
    before = mix[lo - 1 : hi] if lo > 0 else np.concatenate([here[:1], mix[lo:hi]])
    crossing = (here == 0.0) | (((before < 0.0) != (here < 0.0)) & (before != 0.0))
    found = np.flatnonzero(crossing) + lo
    if len(found) == 0:
        return None
    return int(found[np.argmin(np.abs(found - position))])  # argmin: first of equals


def snap_to_zero_crossing(tracks: Sequence[BlockSequence], position: int, radius: int,
                          channels: Iterable[int] | None = None) -> int:
    """`position` moved to the nearest zero crossing within `radius` frames.

    The channels named in `channels` (flat indices across `tracks`; None: all)
    are summed.  Returns `position` unchanged when no crossing is that near.
    """
    if radius < 0:
        raise ValueError("the snapping radius cannot be negative")
    # One frame more on the left: a crossing at frame i is seen by comparing with i - 1.
    lo = max(0, position - radius - 1)
    stop = min(position + radius + 1, max((seq.frames for seq in tracks), default=0))
    if stop <= lo:
        return position
    windows = []
    for seq in tracks:
        window = np.zeros((stop - lo, seq.channels), np.float32)
        got = seq.read(lo, stop)
        window[: len(got)] = got
        windows.append(window)
    mixed = np.concatenate(windows, axis=1)
    if channels is not None:
        mixed = mixed[:, sorted(c for c in channels if c < mixed.shape[1])]
    found = zero_crossing_near(mixed, position - lo, radius)
    return position if found is None else lo + found

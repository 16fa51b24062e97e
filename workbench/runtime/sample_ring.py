"""The last few seconds of a recording, kept in memory for live views.

The capture thread writes; the GUI thread reads.  Frame numbers are take
frames (silence inserted for lost input counts too), so a view can place what
it reads exactly where it will be in the finished take.
"""

from __future__ import annotations

import threading

import numpy as np


class SampleRing:
    """A fixed-size ring of float32 frames x channels with a running frame count.

    Thread-safe: one lock guards the array and the count; each call holds it
    only for one copy.  Memory is `capacity` frames, whatever the recording's
    length.
    """

    def __init__(self, capacity: int, channels: int) -> None:
        if capacity <= 0 or channels <= 0:
            raise ValueError("capacity and channels must be positive")
        self.capacity = capacity
        self.channels = channels
        self._data = np.zeros((capacity, channels), dtype=np.float32)
        self._total = 0
        self._lock = threading.Lock()

    @property
    def total_frames(self) -> int:
        """Frames ever written: the take frame the next write will start at."""
        with self._lock:
            return self._total

    def write(self, frames: np.ndarray) -> None:
        with self._lock:
            # Only the newest `capacity` frames can be kept; the rest still count.
            extra = max(0, len(frames) - self.capacity)
            self._total += extra
            self._put(frames[extra:])

    def write_silence(self, count: int) -> None:
        with self._lock:
            keep = min(count, self.capacity)
            self._total += count - keep
            self._put(np.zeros((keep, self.channels), np.float32))

    def read_since(self, frame: int) -> tuple[int, np.ndarray]:
        """(first frame, frames) from `frame` to the newest, or from the oldest kept."""
        with self._lock:
            start = max(frame, self._total - self.capacity, 0)
            return start, self._copy(start, self._total)

    def latest(self, count: int) -> np.ndarray:
        """The newest `count` frames (fewer if fewer were kept)."""
        with self._lock:
            start = max(self._total - min(count, self.capacity), 0)
            return self._copy(start, self._total)

    def _put(self, frames: np.ndarray) -> None:
        n = len(frames)
        at = self._total % self.capacity
        first = min(n, self.capacity - at)
        self._data[at:at + first] = frames[:first]
        self._data[:n - first] = frames[first:]
        self._total += n

    def _copy(self, start: int, stop: int) -> np.ndarray:
        n = stop - start
        at = start % self.capacity
        first = min(n, self.capacity - at)
        return np.concatenate([self._data[at:at + first], self._data[:n - first]])

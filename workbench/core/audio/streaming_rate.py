"""Sample-rate conversion of a stream that arrives block by block.

`StreamingRateConverter` keeps a short tail of the mono input and converts, with
the random-access `RateConverter`, only the output samples whose whole input
neighbourhood has arrived; `finish()` converts the rest (zeros past the end), so
block seams change nothing: the output equals converting the whole stream at once.
Not thread-safe: one owner feeds it.
"""

from __future__ import annotations

import numpy as np

from workbench.core.audio.audio_convert import RateConverter

# Later outputs read from up to a filter's half width before their position: keep a margin.
_KEEP_MARGIN = 4096


class StreamingRateConverter:
    """Mono blocks at `in_rate` in -> mono float32 at `out_rate` out, as soon as ready."""

    def __init__(self, in_rate: int, out_rate: int) -> None:
        self.converter = RateConverter(in_rate, out_rate)
        self._tail = np.zeros(0, np.float32)  # input from frame _tail_start on
        self._tail_start = 0
        self.output_frames = 0  # output frames handed out so far

    @property
    def input_frames(self) -> int:
        return self._tail_start + len(self._tail)

    def feed(self, mono: np.ndarray) -> np.ndarray:
        """Add input; returns the output samples that became ready."""
        self._tail = np.concatenate([self._tail, np.asarray(mono, np.float32)])
        return self._convert(self.converter.output_frames_ready(self.input_frames))

    def finish(self, output_frames: int | None = None) -> np.ndarray:
        """End of the stream: the rest of the output, up to `output_frames` in all
        (default: every output frame the input covers)."""
        stop = self.converter.output_frames_for(self.input_frames) \
            if output_frames is None else output_frames
        return self._convert(stop)

    def _convert(self, stop: int) -> np.ndarray:
        if stop <= self.output_frames:
            return np.zeros(0, np.float32)
        out = self.converter.convert(self._read, self.output_frames, stop)[:, 0]
        self.output_frames = stop
        keep_from = max(0, int(self.converter.input_position(stop)) - _KEEP_MARGIN)
        if keep_from > self._tail_start:
            self._tail = self._tail[keep_from - self._tail_start:]
            self._tail_start = keep_from
        return np.asarray(out, np.float32)

    def _read(self, a: int, b: int) -> np.ndarray:
        """Input frames [a, b) as (b - a, 1); zeros before the start and past the end."""
        out = np.zeros((b - a, 1), np.float32)
        lo, hi = max(a, self._tail_start), min(b, self.input_frames)
        if hi > lo:
            out[lo - a:hi - a, 0] = self._tail[lo - self._tail_start:hi - self._tail_start]
        return out

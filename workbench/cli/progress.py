"""A one-line progress bar on stderr for long headless work.

Drawn only when stderr is a terminal (redirected output gets no control
characters); redrawn at most ten times a second.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from workbench.core.jobs import Progress

WIDTH = 30
REDRAW_S = 0.1


class ProgressBar:
    """`update(progress)` redraws; `close()` clears the line.  Not thread-safe."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream if stream is not None else sys.stderr
        self._enabled = self._stream.isatty()
        self._last_draw = float("-inf")
        self._drawn = False
        self._started = time.monotonic()

    def update(self, progress: Progress) -> None:
        now = time.monotonic()
        if not self._enabled or (now - self._last_draw < REDRAW_S and progress.fraction != 1.0):
            return
        self._last_draw = now
        self._stream.write("\r" + render(progress, now - self._started) + "\x1b[K")
        self._stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
            self._drawn = False


def render(progress: Progress, elapsed: float) -> str:
    """`[#######.......]  45%  0:12 left  message` (a moving bar when the fraction is unknown)."""
    if progress.fraction is None:
        pos = int(elapsed * 8) % WIDTH
        bar = "." * pos + "#" + "." * (WIDTH - pos - 1)
        return f"[{bar}]       {progress.message}"
    fraction = min(1.0, max(0.0, progress.fraction))
    filled = round(fraction * WIDTH)
    text = f"[{'#' * filled}{'.' * (WIDTH - filled)}] {fraction:4.0%}"
    if 0.0 < fraction < 1.0 and elapsed > 1.0:
        left = elapsed * (1 - fraction) / fraction
        text += f"  {int(left // 60)}:{int(left % 60):02d} left"
    return f"{text}  {progress.message}"

"""A time ruler: tick labels as m:ss.mmm (or h:mm:ss) at sensible spacings."""

from __future__ import annotations

import pyqtgraph as pg


def format_time(seconds: float, spacing: float = 0.001) -> str:
    """Format a time for a ruler whose ticks are `spacing` seconds apart."""
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    decimals = 0 if spacing >= 1 else min(6, max(1, -int(f"{spacing:e}".split("e")[1])))
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    sec = f"{s:0{3 + decimals if decimals else 2}.{decimals}f}"
    if h:
        return f"{sign}{int(h)}:{int(m):02d}:{sec}"
    return f"{sign}{int(m)}:{sec}"


class TimeAxisItem(pg.AxisItem):
    """Bottom axis of the timeline, labelled in clock time."""

    def __init__(self, **kwargs) -> None:
        super().__init__("bottom", **kwargs)
        self.enableAutoSIPrefix(False)  # seconds are formatted as clock time

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph override)
        return [format_time(v * scale, spacing * scale) for v in values]

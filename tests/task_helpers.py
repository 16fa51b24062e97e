"""Helpers the tests share for driving tasks and converting whole signals."""

import numpy as np

from workbench.core.audio.audio_convert import RateConverter
from workbench.core.jobs import Partial


def drive(gen):
    """Run a task generator to its end; returns (everything it yielded, its result)."""
    items = []
    while True:
        try:
            items.append(next(gen))
        except StopIteration as stop:
            return items, stop.value


def partials(items) -> list:
    """The values of the Partial items a task yielded, in order."""
    return [item.value for item in items if isinstance(item, Partial)]


def resample_whole(signal: np.ndarray, in_rate: int, out_rate: int) -> np.ndarray:
    """A mono signal converted in one go (what streaming conversion must equal)."""
    conv = RateConverter(in_rate, out_rate)

    def read(a, b):
        out = np.zeros((b - a, 1), np.float32)
        lo, hi = max(a, 0), min(b, len(signal))
        if hi > lo:
            out[lo - a:hi - a, 0] = signal[lo:hi]
        return out
    return conv.convert(read, 0, conv.output_frames_for(len(signal)))[:, 0]

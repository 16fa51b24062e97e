"""Showing and reading time positions: seconds, h:m:s.ms, or sample frames.

Positions inside the workbench are integer frames, so edits and labels stay
exact.  These functions only translate to and from what the user sees in the
selection fields; parsing rounds to the nearest frame.
"""

from __future__ import annotations

import enum
import math
import re


class TimeFormat(enum.Enum):
    """How a time position is shown in the selection fields."""

    SECONDS = "seconds"  # 12.345
    HMS = "hms"  # 0:00:12.345
    SAMPLES = "samples"  # 592560

    @property
    def title(self) -> str:
        """A name for menus."""
        return {"seconds": "Seconds", "hms": "h:m:s.ms", "samples": "Samples"}[self.value]


def format_time(frame: int, sample_rate: int, fmt: TimeFormat, decimals: int = 3) -> str:
    """`frame` as text in `fmt`; `decimals` digits after the point for the time formats."""
    _check_rate(sample_rate)
    if fmt is TimeFormat.SAMPLES:
        return str(int(frame))
    sign = "-" if frame < 0 else ""
    seconds = abs(frame) / sample_rate
    if fmt is TimeFormat.SECONDS:
        return f"{sign}{seconds:.{decimals}f}"
    # Round once, to the shown precision, so 59.9996 s shows as 0:01:00.000.
    scale = 10**decimals
    units = round(seconds * scale)
    whole, fraction = divmod(units, scale)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{text}.{fraction:0{decimals}d}" if decimals > 0 else text


_HMS = re.compile(r"^(?:(?:(\d+):)?(\d+):)?(\d+(?:\.\d*)?|\.\d+)$")


def parse_time(text: str, sample_rate: int, fmt: TimeFormat) -> int:
    """The frame nearest to the time written in `text` (in format `fmt`).

    SECONDS accepts any decimal number; HMS accepts "h:mm:ss.ms", "m:ss.ms" or
    plain seconds; SAMPLES accepts an integer.  Raises ValueError with a message
    fit to show the user when the text cannot be read or is negative.
    """
    _check_rate(sample_rate)
    cleaned = text.strip()
    if fmt is TimeFormat.SAMPLES:
        if not re.fullmatch(r"\+?\d+", cleaned):
            raise ValueError(f"'{text}' is not a whole number of samples")
        return int(cleaned)
    if fmt is TimeFormat.SECONDS:
        try:
            seconds = float(cleaned)
        except ValueError:
            raise ValueError(f"'{text}' is not a number of seconds") from None
        if not math.isfinite(seconds) or seconds < 0:
            raise ValueError(f"'{text}' is not a time: it must be zero or more seconds")
        return round(seconds * sample_rate)
    match = _HMS.match(cleaned)
    if match is None:
        raise ValueError(f"'{text}' is not a time of the form h:mm:ss.ms")
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return round((hours * 3600 + minutes * 60 + seconds) * sample_rate)


def seconds_text(frames: int, sample_rate: int) -> str:
    """Seconds with two decimals, as used in command names ("1.20")."""
    _check_rate(sample_rate)
    return f"{frames / sample_rate:.2f}"


def span_text(start: int, stop: int, sample_rate: int) -> str:
    """A range for command names: "0.50–1.20 s" (en dash)."""
    return f"{seconds_text(start, sample_rate)}–{seconds_text(stop, sample_rate)} s"


def _check_rate(sample_rate: int) -> None:
    if sample_rate <= 0:
        raise ValueError("sample rate must be positive")

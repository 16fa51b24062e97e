"""Every directive a step may declare, and how its value is checked.

A directive is one `key: value` line in a step's ```step block.  Each key maps to
a function that turns the text after the colon into a value or raises
ValueError with the reason in words (the parser adds the file and line).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from workbench.core.analysis.colormaps import COLORMAP_NAMES
from workbench.core.analysis.frequency_scale import SCALES
from workbench.core.analysis.recurrent_states import DIRECTIONS
from workbench.core.analysis.results import MODEL_KINDS
from workbench.core.analysis.stft import WINDOWS

# The docks a lesson may show or hide, by the object names the window gives them.
PANELS: tuple[str, ...] = ("classifier-inspector", "jobs", "file-info", "history",
                           "transcript", "enhancer-result")
# Timeline rows `point` may mark: the document's own, and the model views' rows (those
# appear once their model has run on the lesson's document).
TIMELINE_ROWS: tuple[str, ...] = ("spectrogram", "waveforms", "posteriorgram",
                                  "hidden-state", "unit-activation",
                                  "enhancer-rows", "enhancer-mask", "enhancer-state")
UNIT_PROPERTIES: tuple[str, ...] = ("silence",)  # what `unit` may look for instead of a number
# What `point` may mark: the timeline's rows, and the panels.
POINT_TARGETS: tuple[str, ...] = (*TIMELINE_ROWS, *PANELS)
OPEN_SOURCES: tuple[str, ...] = ("demo", "current")
MIN_WINDOW, MAX_WINDOW = 16, 65536
MIN_DB, MAX_DB = 10.0, 200.0
# Spectrogram directives -> the SpectrogramSettings field each one sets.
SPECTROGRAM_FIELDS = {"window": "window_length", "hop": "hop", "window-type": "window",
                      "scale": "scale", "db-range": "db_range", "colormap": "colormap"}
# Directives that may appear once per step; show and hide may repeat (they take lists too).
REPEATABLE = frozenset({"show", "hide"})


def _choice(name: str, choices: tuple[str, ...]) -> Callable[[str, Path], str]:
    def parse(text: str, _folder: Path) -> str:
        if text not in choices:
            raise ValueError(f"{name} must be one of {', '.join(choices)}, not {text!r}")
        return text
    return parse


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what} must be a number, not {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{what} must be a finite number, not {text!r}")
    return value


def _integer(low: int, high: int, what: str) -> Callable[[str, Path], int]:
    def parse(text: str, _folder: Path) -> int:
        try:
            value = int(text)
        except ValueError:
            raise ValueError(f"{what} must be a whole number of samples, not {text!r}") from None
        if not low <= value <= high:
            raise ValueError(f"{what} must be between {low} and {high} samples, not {value}")
        return value
    return parse


def _db_range(text: str, _folder: Path) -> float:
    value = _number(text, "db-range")
    if not MIN_DB <= value <= MAX_DB:
        raise ValueError(f"db-range must be between {MIN_DB:g} and {MAX_DB:g} dB, not {value:g}")
    return value


def _span(text: str, what: str) -> tuple[float, float]:
    parts = text.split()
    if len(parts) != 2:
        raise ValueError(f"{what} needs two times in seconds, START END (for example "
                         f"'{what}: 1.5 3'), not {text!r}")
    start, end = (_number(p, f"{what} time") for p in parts)
    if start < 0 or end <= start:
        raise ValueError(f"{what} must run forward from 0 s or later: START < END, "
                         f"not {start:g} to {end:g}")
    return start, end


def _view(text: str, _folder: Path) -> tuple[float, float] | str:
    return "all" if text == "all" else _span(text, "view")


def _highlight(text: str, _folder: Path) -> tuple[float, float]:
    return _span(text, "highlight")


def _inspect(text: str, _folder: Path) -> float:
    value = _number(text, "inspect time")
    if value < 0:
        raise ValueError(f"inspect time must be 0 s or later, not {value:g}")
    return value


def _unit(text: str, _folder: Path) -> tuple[int, int, int | str]:
    """`LAYER DIRECTION UNIT`: (0-based layer, direction index, unit number or property)."""
    parts = text.split()
    if len(parts) != 3:
        raise ValueError("unit needs LAYER DIRECTION UNIT (for example 'unit: 1 forward "
                         f"silence' or 'unit: 2 backward 17'), not {text!r}")
    layer, direction, which = parts
    if not layer.isdigit() or int(layer) < 1:
        raise ValueError(f"unit: the layer is a number from 1, not {layer!r}")
    if direction not in DIRECTIONS:
        raise ValueError(f"unit: the direction is {' or '.join(DIRECTIONS)}, not {direction!r}")
    if which not in UNIT_PROPERTIES and not which.isdigit():
        raise ValueError(f"unit: the unit is a number from 0 or one of "
                         f"{', '.join(UNIT_PROPERTIES)}, not {which!r}")
    return int(layer) - 1, DIRECTIONS.index(direction), \
        which if which in UNIT_PROPERTIES else int(which)


def _open(text: str, folder: Path) -> str | Path:
    if text in OPEN_SOURCES:
        return text
    path = Path(text)
    if path.is_absolute():
        raise ValueError("open takes 'demo', 'current' or a path relative to the lesson "
                         f"file, not the absolute path {text!r}")
    path = folder / path
    if not path.is_file():
        raise ValueError(f"open: no file {text!r} next to the lesson (looked for {path})")
    return path


def _names(what: str, known: tuple[str, ...]) -> Callable[[str, Path], tuple[str, ...]]:
    def parse(text: str, _folder: Path) -> tuple[str, ...]:
        names = tuple(n.strip() for n in text.split(","))
        for name in names:
            if name not in known:
                raise ValueError(f"unknown {what} {name!r}; {what}s are {', '.join(known)}")
        return names
    return parse


def _text(text: str, _folder: Path) -> str:
    return text


PARSERS: dict[str, Callable[[str, Path], object]] = {
    "open": _open,
    "view": _view,
    "window": _integer(MIN_WINDOW, MAX_WINDOW, "window"),
    "hop": _integer(1, MAX_WINDOW, "hop"),
    "window-type": _choice("window-type", WINDOWS),
    "scale": _choice("scale", SCALES),
    "db-range": _db_range,
    "colormap": _choice("colormap", COLORMAP_NAMES),
    "show": _names("panel", PANELS),
    "hide": _names("panel", PANELS),
    "highlight": _highlight,
    "point": _names("target", POINT_TARGETS),
    "run": _choice("run", MODEL_KINDS),
    "inspect": _inspect,
    "unit": _unit,
    "try": _text,
}
KEYS: tuple[str, ...] = tuple(PARSERS)


def parse_value(key: str, text: str, folder: Path) -> object:
    """Check and convert the value of directive `key`; ValueError names what is wrong."""
    if key not in PARSERS:
        raise ValueError(f"unknown directive {key!r}; directives are {', '.join(KEYS)}")
    if not text:
        raise ValueError(f"directive {key!r} has no value")
    return PARSERS[key](text, folder)

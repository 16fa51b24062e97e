"""What a lesson is once read: a title, an introduction and steps with directives."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


class LessonError(ValueError):
    """A lesson file is broken: `path`, 1-based `line` and the `reason`, in words.

    str() gives `FILE:LINE: reason`, the form compilers use, so editors jump to it.
    """

    def __init__(self, path: Path | str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = Path(path), line, reason


@dataclass(frozen=True)
class Directive:
    """One `key: value` line of a step block; `value` is already checked and converted."""

    key: str
    value: object
    line: int


@dataclass(frozen=True)
class Step:
    """A step: its heading, its Markdown text and its directives in file order."""

    title: str
    text: str
    directives: tuple[Directive, ...] = ()
    line: int = 0

    def get(self, key: str, default: object = None) -> object:
        """The value of directive `key` in this step, or `default` when it has none."""
        return next((d.value for d in self.directives if d.key == key), default)


@dataclass(frozen=True)
class Lesson:
    """A whole lesson file, read and checked.  `path` is where it came from."""

    title: str
    intro: str
    steps: tuple[Step, ...] = field(default_factory=tuple)
    path: Path | None = None

"""Reading a lesson file: Markdown with a title, steps, and one ```step block per step.

Every mistake raises LessonError naming the file, the line and the reason; the
first mistake stops the reading, as a compiler's first error does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from workbench.core.lessons.directives import REPEATABLE, parse_value
from workbench.core.lessons.lesson import Directive, Lesson, LessonError, Step
from workbench.core.lessons.step_state import state_at

FENCE = "```"
STEP_BLOCK = "step"


def load_lesson(path: Path | str) -> Lesson:
    """Read and check the lesson at `path`.  OSError if it cannot be read at all."""
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise LessonError(path, line, "the file is not UTF-8 text") from None
    return parse_lesson(text, path)


def parse_lesson(text: str, path: Path | str = "<lesson>") -> Lesson:
    """Check `text` (the content of the file at `path`) and return the Lesson it holds.

    Relative `open:` paths are looked up next to `path`.
    """
    return _Reader(Path(path)).read(text)


@dataclass
class _StepDraft:
    title: str
    line: int
    text: list[str] = field(default_factory=list)
    directives: list[Directive] = field(default_factory=list)
    block_line: int | None = None  # where its ```step block opened

    def finish(self) -> Step:
        return Step(self.title, "\n".join(self.text).strip(), tuple(self.directives), self.line)


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.intro: list[str] = []
        self.steps: list[_StepDraft] = []
        self.in_block = False  # inside a ```step block
        self.fence_line: int | None = None  # inside another fenced block (kept as text)

    def error(self, line: int, reason: str) -> LessonError:
        return LessonError(self.path, line, reason)

    def read(self, text: str) -> Lesson:
        lines = text.splitlines()
        first = next((i for i, line in enumerate(lines) if line.strip()), None)
        if first is None:
            raise self.error(1, "the file is empty; a lesson starts with its title: '# Title'")
        title = self._title(lines[first], first + 1)
        for number, line in enumerate(lines[first + 1:], start=first + 2):
            self._line(line, number)
        if self.in_block:
            raise self.error(self.steps[-1].block_line, "this ```step block is not closed "
                             "with a ``` line")
        if self.fence_line is not None:
            raise self.error(self.fence_line, "this code block is not closed with a ``` line")
        if not self.steps:
            raise self.error(first + 1, "a lesson needs at least one step: a line "
                             "'## Step title' after the title")
        for step in self.steps:
            self._check_step(step)
        lesson = Lesson(title, "\n".join(self.intro).strip(),
                        tuple(s.finish() for s in self.steps), self.path)
        self._check_hops(lesson)
        return lesson

    def _title(self, line: str, number: int) -> str:
        if not line.startswith("# ") or not line[2:].strip():
            raise self.error(number, f"a lesson starts with its title, '# Title', not {line!r}")
        return line[2:].strip()

    def _line(self, line: str, number: int) -> None:
        stripped = line.strip()
        if self.in_block:
            if stripped.startswith(FENCE):
                self.in_block = False
            else:
                self._directive(stripped, number)
        elif self.fence_line is not None:
            if stripped.startswith(FENCE):
                self.fence_line = None
            self._text(line)
        elif stripped.startswith(FENCE):
            self._fence(stripped, line, number)
        elif line.startswith("##") and not line.startswith("###"):
            self._step_heading(line, number)
        elif line.startswith("# "):
            raise self.error(number, "a lesson has one title; a step starts with '## '")
        else:
            self._text(line)

    def _text(self, line: str) -> None:
        (self.steps[-1].text if self.steps else self.intro).append(line)

    def _fence(self, stripped: str, line: str, number: int) -> None:
        if stripped[len(FENCE):].strip() != STEP_BLOCK:
            self.fence_line = number
            self._text(line)
            return
        if not self.steps:
            raise self.error(number, "a ```step block belongs to a step: put a "
                             "'## Step title' line above it")
        step = self.steps[-1]
        if step.block_line is not None:
            raise self.error(number, "a step has one ```step block; this step's first "
                             f"is at line {step.block_line}")
        step.block_line, self.in_block = number, True

    def _step_heading(self, line: str, number: int) -> None:
        title = line[2:].strip()
        if not line.startswith("## ") or not title:
            raise self.error(number, f"a step starts with '## Step title', not {line!r}")
        self.steps.append(_StepDraft(title, number))

    def _directive(self, stripped: str, number: int) -> None:
        if not stripped or stripped.startswith("#"):
            return  # blank lines and comments
        key, colon, value = stripped.partition(":")
        key = key.strip()
        if not colon:
            raise self.error(number, f"a ```step block holds 'key: value' lines; {stripped!r} "
                             "has no colon")
        step = self.steps[-1]
        earlier = next((d for d in step.directives if d.key == key), None)
        if earlier is not None and key not in REPEATABLE:
            raise self.error(number, f"directive {key!r} appears twice in this step "
                             f"(first at line {earlier.line})")
        try:
            parsed = parse_value(key, value.strip(), self.path.parent)
        except ValueError as exc:
            raise self.error(number, str(exc)) from None
        step.directives.append(Directive(key, parsed, number))

    def _check_hops(self, lesson: Lesson) -> None:
        """Settings carry forward, so a step's window and hop may come from two steps."""
        for index, step in enumerate(lesson.steps):
            spectrogram = state_at(lesson, index).spectrogram
            window, hop = spectrogram.get("window_length"), spectrogram.get("hop")
            if window is None or hop is None or hop <= window:
                continue
            line = next(d.line for d in step.directives if d.key in ("window", "hop"))
            raise self.error(line, f"hop ({hop}) is longer than the window ({window}) from "
                             "this step on; frames would skip samples (set both here)")

    def _check_step(self, step: _StepDraft) -> None:
        shown = {p for d in step.directives if d.key == "show" for p in d.value}
        for d in step.directives:
            both = shown.intersection(d.value) if d.key == "hide" else ()
            if both:
                raise self.error(d.line, f"{sorted(both)[0]!r} is both shown and hidden "
                                 "in this step")

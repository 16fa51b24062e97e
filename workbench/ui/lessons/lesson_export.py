"""Exports a running lesson: a figure per step (PNG and SVG) and a one-page HTML handout.

The exporter walks the lesson's steps with the player, waits at each until the
window has finished drawing (tiles, model jobs, inspections), renders the window,
and at the end returns to the step the student was on.  The handout holds the
title, the introduction, and each step's title, text, "try this" and figure.

GUI thread only; polls with a timer, never blocks.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QObject, QSize, QTimer, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtSvg import QSvgGenerator

from workbench.core.lessons.step_state import state_at

POLL_MS = 50
IDLE_POLLS_NEEDED = 3  # idle on consecutive polls: nothing queued behind the last job
TIMEOUT_MS = 180_000
HANDOUT = "handout.html"


class LessonExportError(RuntimeError):
    """The export could not finish: a figure could not be written, or drawing never ended."""


class LessonExporter(QObject):
    """Exports `player`'s running lesson into `folder`.  Emits `finished(handout path)`
    or `failed(exception)`, once."""

    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, window, player, folder: Path, timeout_ms: int = TIMEOUT_MS) -> None:
        super().__init__(window)
        self.window, self.player, self.folder = window, player, Path(folder)
        self.figures: list[tuple[Path, Path]] = []  # (png, svg) per step
        self._timeout = timeout_ms
        self._return_to = player.index
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._clock = QElapsedTimer()
        self._idle_polls = 0

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._go(0)

    def _go(self, index: int) -> None:
        self.player.go(index)
        self._idle_polls = 0
        self._clock.start()
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        if not self.player.running:
            self._fail(LessonExportError("the lesson ended before its export was done"))
            return
        busy = not self.window.is_idle() or self.player.waiting
        self._idle_polls = 0 if busy else self._idle_polls + 1
        if self._idle_polls >= IDLE_POLLS_NEEDED:
            self._timer.stop()
            self._on_step_drawn()
        elif self._clock.elapsed() > self._timeout:
            self._fail(LessonExportError(f"step {self.player.index + 1} was still drawing "
                                         f"after {self._timeout / 1000:g} s"))

    def _on_step_drawn(self) -> None:
        index = self.player.index
        try:
            self.figures.append(self._save_figures(index))
        except OSError as exc:
            self._fail(exc)
            return
        if index + 1 < len(self.player.lesson.steps):
            self._go(index + 1)
            return
        try:
            path = self._write_handout()
        except OSError as exc:
            self._fail(exc)
            return
        self.player.go(self._return_to)
        self.finished.emit(path)

    def _save_figures(self, index: int) -> tuple[Path, Path]:
        png, svg = (self.folder / f"step-{index + 1:02d}.{ext}" for ext in ("png", "svg"))
        if not self.window.grab().save(str(png)):
            raise OSError(f"could not write {png}")
        generator = QSvgGenerator()
        generator.setFileName(str(svg))
        generator.setSize(QSize(self.window.size()))
        generator.setTitle(self.player.lesson.steps[index].title)
        self.window.render(generator)  # widgets draw as vectors; the spectrogram as an image
        if not svg.is_file() or svg.stat().st_size == 0:
            raise OSError(f"could not write {svg}")
        return png, svg

    def _write_handout(self) -> Path:
        lesson = self.player.lesson
        parts = [f"<h1>{html.escape(lesson.title)}</h1>", _markdown(lesson.intro)]
        for index, (step, (png, svg)) in enumerate(zip(lesson.steps, self.figures,
                                                       strict=True)):
            try_text = state_at(lesson, index).try_text
            parts += [f"<h2>{index + 1}. {html.escape(step.title)}</h2>",
                      f'<p><a href="{svg.name}"><img src="{png.name}" alt="Step {index + 1}" '
                      'style="max-width:100%"></a></p>', _markdown(step.text)]
            if try_text:
                parts.append(f"<p><b>Try this:</b> {html.escape(try_text)}</p>")
        page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                f"<title>{html.escape(lesson.title)}</title></head><body>\n"
                + "\n".join(parts) + "\n</body></html>\n")
        path = self.folder / HANDOUT
        path.write_text(page, encoding="utf-8")
        return path

    def _fail(self, error: Exception) -> None:
        self._timer.stop()
        self.player.go(self._return_to)
        self.failed.emit(error)


def _markdown(text: str) -> str:
    """`text` (Markdown) as an HTML fragment: the body of what Qt renders it to."""
    document = QTextDocument()
    document.setMarkdown(text)
    page = document.toHtml()
    start = page.find(">", page.find("<body")) + 1
    end = page.rfind("</body>")
    return page[start:end] if start > 0 and end > start else html.escape(text)

"""The lesson dock's content: the step's title and text, "try this", Back/Next/End."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.core.lessons.lesson import Lesson

IDLE_TEXT = "Choose a lesson in the Learn menu."


class LessonPanel(QWidget):
    """Draws one step of a lesson and forwards the buttons as requests.  GUI thread only."""

    back_requested = Signal()
    next_requested = Signal()
    end_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()  # rich text: its heading size follows the window's font
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.counter = QLabel()
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.try_label = QLabel()
        self.try_label.setWordWrap(True)
        self.try_label.setStyleSheet("QLabel { background: #3a3420; color: #ffe9a8; "
                                     "padding: 6px; border-radius: 4px; }")
        self.back_button = QPushButton("◀ Back")
        self.next_button = QPushButton("Next ▶")
        self.end_button = QPushButton("End Lesson")
        self.back_button.setToolTip("Previous step (Alt+Left)")
        self.next_button.setToolTip("Next step (Alt+Right)")
        buttons = QHBoxLayout()
        for button in (self.back_button, self.next_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.end_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.counter)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.try_label)
        layout.addLayout(buttons)
        self.back_button.clicked.connect(self.back_requested)
        self.next_button.clicked.connect(self.next_requested)
        self.end_button.clicked.connect(self.end_requested)
        self.show_idle()

    def show_idle(self) -> None:
        self.title.setText("<h3>No lesson</h3>")
        self.counter.clear()
        self.text.setPlainText(IDLE_TEXT)
        self.try_label.hide()
        for button in (self.back_button, self.next_button, self.end_button):
            button.setEnabled(False)

    def show_step(self, lesson: Lesson, index: int, try_text: str | None) -> None:
        """Show step `index` of `lesson`; the first step also shows the introduction."""
        step = lesson.steps[index]
        self.title.setText(f"<h3>{html.escape(lesson.title)}</h3>")
        self.counter.setText(f"Step {index + 1} of {len(lesson.steps)}: {step.title}")
        intro = f"{lesson.intro}\n\n---\n\n" if index == 0 and lesson.intro else ""
        self.text.setMarkdown(intro + step.text)
        self.try_label.setText(f"Try this: {try_text}" if try_text else "")
        self.try_label.setVisible(bool(try_text))
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(lesson.steps) - 1)
        self.end_button.setEnabled(True)

"""The start-up offer to recover unsaved documents and unfinished recordings.

One row per item: what it is, when it last changed, and a choice of
Recover, Discard or Later (the default: nothing is lost by not deciding).
The dialog only collects choices; ProjectActions carries them out.
GUI thread only; opened non-modally with `open()`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from workbench.core.storage.recovery import RecoverableDocument
from workbench.core.storage.take_recovery import TakeSidecar
from workbench.ui.dialogs.dialog_buttons import ok_cancel_buttons

RECOVER, DISCARD, LATER = "Recover", "Discard", "Later"
CHOICES = (RECOVER, DISCARD, LATER)
DIALOG_WIDTH, DIALOG_MAX_HEIGHT = 720, 600


@dataclass(frozen=True)
class RecoveryItem:
    """One thing offered: an unsaved document or an unfinished take (exactly one is set)."""

    document: RecoverableDocument | None = None
    take: TakeSidecar | None = None

    @property
    def description(self) -> str:
        if self.document is not None:
            doc = self.document
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(doc.changed_at))
            last = f", last: {doc.last_action}" if doc.last_action else ""
            where = doc.project_path or doc.audio_path
            origin = f" ({where})" if where else ""
            return (f"Unsaved changes to “{doc.title}”{origin}: {doc.actions} action(s) "
                    f"until {when}{last}")
        assert self.take is not None
        return (f"Unfinished recording {self.take.wav_path.name}, started "
                f"{self.take.started[:16].replace('T', ' ')} UTC")


class RecoveryDialog(QDialog):
    """Lists recoverable items with a Recover / Discard / Later choice each."""

    def __init__(self, items: list[RecoveryItem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Recover unsaved work")
        self.items = list(items)
        intro = QLabel("Audio Workbench did not quit normally last time. This work was not "
                       "saved; choose what to do with each item. Items left for later are "
                       "offered again at the next start.")
        intro.setWordWrap(True)
        rows = QWidget()
        grid = QGridLayout(rows)
        grid.setColumnStretch(0, 1)
        self._boxes: list[QComboBox] = []
        for row, item in enumerate(self.items):
            label = QLabel(item.description)
            label.setWordWrap(True)
            box = QComboBox()
            box.addItems(CHOICES)
            box.setCurrentText(RECOVER)
            grid.addWidget(label, row, 0)
            grid.addWidget(box, row, 1)
            self._boxes.append(box)
        buttons = ok_cancel_buttons(self, "Apply", "Decide Later")
        # Many items must scroll, not squeeze: squeezed word-wrapped labels overlap.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(rows)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(DIALOG_WIDTH, min(DIALOG_MAX_HEIGHT, 160 + 60 * len(self.items)))

    def set_choice(self, index: int, choice: str) -> None:
        self._boxes[index].setCurrentText(choice)

    def choices(self) -> list[tuple[RecoveryItem, str]]:
        """Each item with its choice; everything is Later when the dialog was not applied."""
        if self.result() != QDialog.DialogCode.Accepted:
            return [(item, LATER) for item in self.items]
        return [(item, box.currentText()) for item, box in zip(self.items, self._boxes,
                                                                strict=True)]

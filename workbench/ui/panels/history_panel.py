"""The history panel: the named steps of a document's undo history.

Row 0 is the state before the oldest step kept, row i the state after step
i.  The current state is the selected row; steps that can be redone are
grey.  Clicking a row (or moving to it with the arrow keys) undoes or redoes
until the document is in that state.  Below the list: how much memory the
kept steps hold, and the budget beyond which the oldest steps are forgotten.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.core.document.history import History
from workbench.ui.event_subscription import subscribe_while_alive

START_TEXT = "Start of history"
MAX_BUDGET_MB = 1 << 20
_REDO_COLOUR = QColor(128, 128, 128)


def format_bytes(count: int) -> str:
    """A memory size for people: "0 B", "12.3 MB"."""
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


class HistoryPanel(QWidget):
    """Shows the History given to `set_history` (None: nothing) and goes to clicked steps.

    GUI thread only.  The panel listens to its history until another is set
    or the panel is destroyed; the history belongs to the document's owner.
    `budget_changed(megabytes)` (0: no limit) is emitted when the user
    changes the memory budget; the owner applies and stores it.
    """

    budget_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history: History | None = None
        self._unsubscribe = None
        self._updating = False
        self.list = QListWidget()
        self.list.setAlternatingRowColors(True)
        self.memory_label = QLabel()
        self.budget_box = QSpinBox()
        self.budget_box.setRange(0, MAX_BUDGET_MB)
        self.budget_box.setSingleStep(256)
        self.budget_box.setSuffix(" MB")
        self.budget_box.setSpecialValueText("No limit")
        self.budget_box.setToolTip("Memory the undo steps may keep (new samples); beyond it "
                                   "the oldest steps are forgotten")
        footer = QHBoxLayout()
        footer.addWidget(self.memory_label, 1)
        footer.addWidget(QLabel("Budget"))
        footer.addWidget(self.budget_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.list, 1)
        layout.addLayout(footer)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        self.budget_box.valueChanged.connect(self._on_budget_box_value_changed)
        self._show()

    def set_history(self, history: History | None) -> None:
        """Show `history` (stop listening to the one shown before)."""
        if history is self.history:
            return
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.history = history
        if history is not None:
            self._unsubscribe = subscribe_while_alive(self, history.changed, self._show)
        self._show()

    def set_budget_mb(self, megabytes: int) -> None:
        """Show the budget without announcing it as the user's change."""
        self.budget_box.blockSignals(True)
        self.budget_box.setValue(megabytes)
        self.budget_box.blockSignals(False)

    def step_texts(self) -> list[str]:
        """The rows' texts, top to bottom (for tests and screen readers)."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def _show(self) -> None:
        self._updating = True
        try:
            self.list.clear()
            history = self.history
            self.setEnabled(history is not None)
            if history is None:
                self.memory_label.setText("")
                return
            for row, text in enumerate([START_TEXT, *history.labels]):
                item = QListWidgetItem(text)
                if row > history.index:
                    item.setForeground(QBrush(_REDO_COLOUR))
                    item.setToolTip("Undone; click to redo up to here")
                self.list.addItem(item)
            self.list.setCurrentRow(history.index)
            self.list.scrollToItem(self.list.currentItem())
            self.memory_label.setText(f"Undo memory: {format_bytes(history.size_bytes)}")
        finally:
            self._updating = False

    def _on_list_current_row_changed(self, row: int) -> None:
        if self._updating or self.history is None or row < 0:
            return
        self.history.goto(row)

    def _on_budget_box_value_changed(self, megabytes: int) -> None:
        self.budget_changed.emit(megabytes)


def budget_bytes(megabytes: int) -> int | None:
    """The History.memory_budget for a budget setting in MB (0: no limit)."""
    return None if megabytes <= 0 else megabytes * (1 << 20)


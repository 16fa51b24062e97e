"""A searchable table of every menu action of a window and its keyboard shortcuts."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLineEdit,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def action_rows(window: QWidget) -> list[tuple[str, str, str]]:
    """(menu path, action, shortcuts) for every action in `window`'s menu bar, in menu order."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()  # a menu offered in two places (Help > Learn) is listed once

    def visit(menu: QMenu, path: str) -> None:
        if id(menu) in seen:
            return
        seen.add(id(menu))
        for action in menu.actions():
            text = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
            if action.menu() is not None:
                visit(action.menu(), f"{path} > {text}")
            elif text and not action.isSeparator():
                rows.append((path, text, _shortcut_text(action)))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            visit(top.menu(), top.text().replace("&", ""))
    return rows


def _shortcut_text(action: QAction) -> str:
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                     for k in action.shortcuts())


class ShortcutsDialog(QDialog):
    """Lists `action_rows(window)`; typing in the search box keeps the rows that match.

    The rows are read when the dialog opens, so actions added since (a recent file,
    a model installed) are there too.  GUI thread only.
    """

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard Shortcuts")
        self.resize(640, 560)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search actions and shortcuts")
        self.search.setClearButtonEnabled(True)
        rows = action_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["Menu", "Action", "Shortcut"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        self.search.textChanged.connect(self._on_search_text_changed)

    def visible_rows(self) -> list[tuple[str, str, str]]:
        return [tuple(self.table.item(r, c).text() for c in range(3))
                for r in range(self.table.rowCount()) if not self.table.isRowHidden(r)]

    def _on_search_text_changed(self, text: str) -> None:
        words = text.casefold().split()
        for row in range(self.table.rowCount()):
            line = " ".join(self.table.item(row, c).text() for c in range(3)).casefold()
            self.table.setRowHidden(row, not all(w in line for w in words))

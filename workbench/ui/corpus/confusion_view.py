"""ConfusionView: the run's confusion matrix (truth rows, predicted columns) with counts,
cells shaded by their share of the truth row; clicking a cell asks for the table to
show those files, clicking it again asks to clear that filter."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

_ROOT = QModelIndex()
_HIT = (40, 110, 200)  # the diagonal: right answers
_MISS = (215, 95, 40)  # off the diagonal: confusions


class ConfusionModel(QAbstractTableModel):
    """counts[truth, predicted] of `labels`; GUI thread only."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.labels: list[str] = []
        self.counts = np.zeros((0, 0), dtype=np.int64)
        self.chosen: tuple[int, int] | None = None  # (row, column) the table is filtered to

    def set_chosen(self, cell: tuple[int, int] | None) -> None:
        self.chosen = cell
        self.dataChanged.emit(self.index(0, 0),
                              self.index(self.rowCount() - 1, self.columnCount() - 1))

    def set_counts(self, labels: list[str], counts: np.ndarray) -> None:
        self.beginResetModel()
        self.labels, self.counts = list(labels), np.asarray(counts)
        self.chosen = None
        self.endResetModel()

    def share(self, row: int, column: int) -> float:
        """The cell's share of its truth row (0 for an empty row)."""
        total = int(self.counts[row].sum())
        return float(self.counts[row, column]) / total if total else 0.0

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.labels)

    def columnCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.labels)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole:
            return self.labels[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            side = "predicted" if orientation == Qt.Orientation.Horizontal else "truth"
            return f"{side}: {self.labels[section]}"
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        count, share = int(self.counts[row, column]), self.share(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return str(count)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.BackgroundRole:
            red, green, blue = _HIT if row == column else _MISS
            return QColor(red, green, blue, round(30 + 225 * share) if count else 0)
        if role == Qt.ItemDataRole.FontRole and self.chosen == (row, column):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("white") if share > 0.55 else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return (f"truth {self.labels[row]}, predicted {self.labels[column]}: "
                    f"{count} ({share:.0%} of the {self.labels[row]} lines)")
        return None


class _ChosenFrameDelegate(QStyledItemDelegate):
    """Draws a frame round the chosen cell, over its own shade (a selection colour
    would make a confusion look like a right answer)."""

    def paint(self, painter, option, index) -> None:
        super().paint(painter, option, index)
        if index.model().chosen == (index.row(), index.column()):
            painter.save()
            painter.setPen(QPen(QColor("#222222"), 3))
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
            painter.restore()


class ConfusionView(QWidget):
    """The matrix and a caption.  `cell_chosen(truth, predicted)` and `cleared()` are
    emitted on the GUI thread when a cell is clicked, or clicked again."""

    cell_chosen = Signal(str, str)
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ConfusionModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setItemDelegate(_ChosenFrameDelegate(self.table))
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.chosen: tuple[str, str] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Confusion: truth (rows) → predicted (columns)"))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.caption)
        self.table.clicked.connect(self._on_table_clicked)

    def show_counts(self, labels: list[str], counts: np.ndarray, scores: dict) -> None:
        self.model.set_counts(labels, counts)
        accuracy = scores.get("accuracy")
        self.caption.setText(
            f"{scores.get('scored', 0)} truth lines scored, accuracy "
            f"{'–' if accuracy is None else f'{accuracy:.1%}'}"
            + (f"; {scores['not_in_run']} not in the run" if scores.get("not_in_run") else "")
            + (f", {scores['error_rows']} on error rows" if scores.get("error_rows") else ""))

    def cell_rect(self, truth: str, predicted: str):
        """Where the cell is drawn, in the table's viewport (for tests and tours)."""
        index = self.model.index(self.model.labels.index(truth),
                                 self.model.labels.index(predicted))
        return self.table.visualRect(index)

    def clear_choice(self) -> None:
        self.chosen = None
        self.model.set_chosen(None)

    def _on_table_clicked(self, index: QModelIndex) -> None:
        cell = (self.model.labels[index.row()], self.model.labels[index.column()])
        if cell == self.chosen:
            self.clear_choice()
            self.cleared.emit()
            return
        self.chosen = cell
        self.model.set_chosen((index.row(), index.column()))
        self.cell_chosen.emit(*cell)

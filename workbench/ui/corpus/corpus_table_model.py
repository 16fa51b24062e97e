"""Qt models over a corpus run: the files table and the segments of one file."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt

from workbench.core.paths import display_name
from workbench.ui.corpus.corpus_run_data import CorpusRunData

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
_ROOT = QModelIndex()


class _DictRowsModel(QAbstractTableModel):
    """A flat table of dict rows (`rows`) under `HEADERS`: sizes, headers, and a row's
    dict under ROW_ROLE; subclasses say what a cell shows in `_cell`."""

    HEADERS: tuple[str, ...] = ()

    @property
    def rows(self) -> list[dict]:
        raise NotImplementedError

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802 (Qt override)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        return row if role == ROW_ROLE else self._cell(row, index.column(), role)

    def _cell(self, row: dict, column: int, role):
        raise NotImplementedError


class CorpusFilesModel(_DictRowsModel):
    """One row per file of the run (file, status, result, confidence, duration, model,
    and the truth when the run has one).

    A Qt model over the run's lists, not a widget per row.  GUI thread only.
    """

    BASE_HEADERS = ("File", "Status", "Result", "Confidence", "Duration (s)", "Model")

    def __init__(self, data: CorpusRunData, parent=None) -> None:
        super().__init__(parent)
        self.run = data
        self.comparison = None  # a RunComparison while another run is compared
        self.HEADERS = self._headers()

    def _headers(self) -> tuple[str, ...]:
        return (self.BASE_HEADERS + (("Truth",) if self.run.truth is not None else ())
                + (("Other run", "Change (other → this)") if self.comparison is not None else ()))

    def set_comparison(self, comparison) -> None:
        """Show another run's answer and the change beside each file (None: stop)."""
        self.beginResetModel()
        self.comparison = comparison
        self.HEADERS = self._headers()
        self.endResetModel()

    def truth_changed(self) -> None:
        """The truth says something new for some rows (or the run has one now)."""
        headers = self._headers()
        if headers != self.HEADERS:  # the Truth column is new
            self.beginResetModel()
            self.HEADERS = headers
            self.endResetModel()
        column = self.HEADERS.index("Truth")
        self.dataChanged.emit(self.index(0, column), self.index(self.rowCount() - 1, column))

    @property
    def rows(self) -> list[dict]:
        return self.run.files

    def _cell(self, row: dict, column: int, role):
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row["path"] if column == 0 else self._text(row, column)
        return None

    def _text(self, row: dict, column: int) -> str:
        if column == 0:
            return display_name(row["relative"])
        if column == 1:
            return row["status"]
        if column == 2:
            return self.run.summary_text(row)
        if column == 3:
            confidence = self.run.confidence(row)
            return "" if confidence is None else f"{confidence:.2f}"
        if column == 4:
            return "" if row["duration"] is None else f"{row['duration']:.2f}"
        if column == 5:
            return row["model"] or ""
        name = self.HEADERS[column]
        if name == "Truth":
            return self.run.truth.truth_of(row["key"])
        if name == "Other run":
            return self.comparison.other_text(row)
        return self.comparison.changes[row["key"]]

    def _sort_value(self, row: dict, column: int):
        if column == 3:
            confidence = self.run.confidence(row)
            return confidence if confidence is not None else -1.0
        if column == 4:
            return row["duration"] if row["duration"] is not None else -1.0
        return self._text(row, column).lower()


class CorpusFilterProxy(QSortFilterProxyModel):
    """Sorts on SORT_ROLE; keeps rows whose status is `status` (None: any), whose
    file, result or reason contains `text` (case-insensitive) and, when a set of keys
    is given (a confusion cell, a map selection), whose key is in it."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._status: str | None = None
        self._text = ""
        self._keys: set[str] | None = None
        self._changed: set[str] | None = None
        self._worst_first = False

    def set_filter(self, text: str, status: str | None) -> None:
        self.beginFilterChange()
        self._text, self._status = text.lower(), status
        self.endFilterChange()

    def set_keys(self, keys: set[str] | None) -> None:
        """Keep only the files with these keys (None: no such filter)."""
        self.beginFilterChange()
        self._keys = None if keys is None else set(keys)
        self.endFilterChange()

    def set_changed_only(self, keys: set[str] | None) -> None:
        """Keep only the files a comparison found changed (None: every file)."""
        self.beginFilterChange()
        self._changed = None if keys is None else set(keys)
        self.endFilterChange()

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802
        if self._worst_first:
            run = self.sourceModel().run
            return (run.worst_first_key(run.files[left.row()])
                    < run.worst_first_key(run.files[right.row()]))
        return super().lessThan(left, right)

    def sort_worst_first(self) -> None:
        """Errors first, then the files with the least confident segment (until a
        column is sorted)."""
        self._worst_first = True
        super().sort(0, Qt.SortOrder.AscendingOrder)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self._worst_first = False
        super().sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # noqa: N802
        model = self.sourceModel()
        row = model.run.files[source_row]
        if self._status is not None and row["status"] != self._status:
            return False
        if self._keys is not None and row["key"] not in self._keys:
            return False
        if self._changed is not None and row["key"] not in self._changed:
            return False
        if not self._text:
            return True
        haystack = " ".join((row["relative"], model.run.summary_text(row), row["reason"]))
        return self._text in haystack.lower()


class CorpusSegmentsModel(_DictRowsModel):
    """The segment (classify) or word (transcribe) rows of one file.  GUI thread only."""

    HEADERS = ("Start (s)", "End (s)", "Label", "Confidence")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[dict] = []

    @property
    def rows(self) -> list[dict]:
        return self._rows

    def show_rows(self, rows: list[dict]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def _cell(self, row: dict, column: int, role):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values = (f"{row['start']:.2f}", f"{row['end']:.2f}", row["label"],
                  f"{row['confidence']:.2f}")
        return values[column]

"""CorpusView: the files of a corpus run, a filter, and the segments of the chosen file."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workbench.runtime.job_runner import JobRunner
from workbench.ui.corpus.confusion_view import ConfusionView
from workbench.ui.corpus.corpus_run_data import CorpusRunData
from workbench.ui.corpus.corpus_table_model import (
    ROW_ROLE,
    CorpusFilesModel,
    CorpusFilterProxy,
    CorpusSegmentsModel,
)
from workbench.ui.corpus.embedding_map import EmbeddingMap
from workbench.ui.corpus.run_comparison import RunComparison

_STATUSES = {"All files": None, "OK": "ok", "Errors": "error"}


class CorpusView(QWidget):
    """Shows one run.  `open_requested(path, start, end)` is emitted on the GUI thread
    when a file row (start/end of its first segment, or None) or a segment row is
    double-clicked, or a map point clicked; the shell opens the file there.
    `play_requested(path, start, end)` when a map point is hovered; the shell plays
    that stretch.  The view owns its Qt models; `runner` places the map's points."""

    open_requested = Signal(str, object, object)
    play_requested = Signal(str, float, float)

    def __init__(self, data: CorpusRunData, runner: JobRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run = data
        self.files_model = CorpusFilesModel(data, self)
        self.proxy = CorpusFilterProxy(self)
        self.proxy.setSourceModel(self.files_model)
        self.segments_model = CorpusSegmentsModel(self)
        self.filter_edit = QLineEdit(placeholderText="Filter by file, result or reason")
        self.status_combo = QComboBox()
        self.status_combo.addItems(list(_STATUSES))
        self.files_table = _table(self.proxy, sortable=True)
        self.segments_table = _table(self.segments_model, sortable=False)
        self.count_label = QLabel()
        self.truth_label = QLabel()  # where relabels went
        self.compare_button = QPushButton("Compare…")
        self.compare_button.setToolTip("Compare with another run over the same files "
                                       "(another model): what changed, file by file")
        self.changed_only = QCheckBox("Changed only")
        self.compare_label = QLabel()
        self.compare_label.setWordWrap(True)
        self.comparison: RunComparison | None = None
        self.truth_label.setWordWrap(True)
        self.worst_first_button = QPushButton("Worst first")
        self.worst_first_button.setToolTip("Errors first, then the files with the least "
                                           "confident segment or word")
        for column, width in ((0, 170), (1, 50), (2, 220), (3, 80)):
            self.files_table.setColumnWidth(column, width)
        # What a confusion cell or a map selection narrowed the table to, and a way back.
        self.pick_label = QLabel()
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Show every file again")
        self.confusion_view = ConfusionView()
        self.insights = QSplitter(Qt.Orientation.Horizontal)
        self.insights.addWidget(self.confusion_view)
        self.embedding_map = EmbeddingMap(runner)
        self.insights.addWidget(self.embedding_map)
        self._lay_out()
        points = data.embedded_segments()
        self.embedding_map.setVisible(bool(points))
        if points:
            self.embedding_map.show_points(points)
        self._show_truth()
        self._show_pick(None, "")
        self.confusion_view.cell_chosen.connect(self._on_confusion_cell_chosen)
        self.confusion_view.cleared.connect(self.clear_pick)
        self.clear_button.clicked.connect(self.clear_pick)
        self.embedding_map.point_hovered.connect(self.play_requested.emit)
        self.embedding_map.point_clicked.connect(self.open_requested.emit)
        self.embedding_map.points_chosen.connect(self._on_map_points_chosen)
        self.compare_button.clicked.connect(self._on_compare_clicked)
        self.changed_only.toggled.connect(self._on_changed_only_toggled)
        self._show_comparison()
        self.files_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.files_table.customContextMenuRequested.connect(self._on_files_context_menu)
        self.segments_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.segments_table.customContextMenuRequested.connect(self._on_segments_context_menu)
        self.filter_edit.textChanged.connect(self._on_filter_changed)
        self.status_combo.currentTextChanged.connect(self._on_filter_changed)
        self.files_table.selectionModel().currentRowChanged.connect(self._on_file_current)
        self.files_table.doubleClicked.connect(self._on_files_double_clicked)
        self.segments_table.doubleClicked.connect(self._on_segments_double_clicked)
        self.worst_first_button.clicked.connect(self._on_worst_first_clicked)
        self._show_count()

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.status_combo)
        bar.addWidget(self.worst_first_button)
        bar.addWidget(self.compare_button)
        bar.addWidget(self.count_label)
        pick = QHBoxLayout()
        pick.addWidget(self.pick_label, 1)
        pick.addWidget(self.clear_button)
        pick.addWidget(self.truth_label, 1)
        compare = QHBoxLayout()
        compare.addWidget(self.compare_label, 1)
        compare.addWidget(self.changed_only)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.files_table)
        split.addWidget(self.insights)
        split.addWidget(self.segments_table)
        split.setStretchFactor(0, 3)
        split.setSizes([300, 260, 100])  # the files first; how they went; a file's segments
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addLayout(pick)
        layout.addLayout(compare)
        layout.addWidget(split, 1)

    def set_filter(self, text: str, status: str | None) -> None:
        """Show only files whose status is `status` (None: all) and that contain `text`."""
        name = next(k for k, v in _STATUSES.items() if v == status)
        self.status_combo.setCurrentText(name)
        self.filter_edit.setText(text)

    def visible_files(self) -> list[dict]:
        """The file rows as shown, in order."""
        return [self.proxy.index(i, 0).data(ROW_ROLE) for i in range(self.proxy.rowCount())]

    def open_row(self, row: int) -> None:
        """Make file `row` (as shown) current and ask to open it at its first segment."""
        index = self.proxy.index(row, 0)
        self.files_table.setCurrentIndex(index)
        self._on_files_double_clicked(index)

    def has_insights(self) -> bool:
        """Whether the confusion matrix or the embedding map is shown (wants more room)."""
        return not self.insights.isHidden()

    def pick_keys(self, keys: set[str] | None, description: str) -> None:
        """Show only the files with `keys` (None: all), saying why in the pick bar."""
        self.proxy.set_keys(keys)
        self._show_pick(keys, description)
        self._show_count()

    def clear_pick(self) -> None:
        self.confusion_view.clear_choice()
        self.pick_keys(None, "")

    def _show_pick(self, keys: set[str] | None, description: str) -> None:
        self.pick_label.setText(f"Showing {description}" if keys is not None else "")
        self.pick_label.setVisible(keys is not None)
        self.clear_button.setVisible(keys is not None)

    def _show_truth(self) -> None:
        truth = self.run.truth
        has_matrix = truth is not None and truth.kind == "classify"
        self.confusion_view.setVisible(has_matrix)
        if has_matrix:
            self.confusion_view.show_counts(*truth.confusion(), truth.scores())
        if self.embedding_map.points:
            self.embedding_map.set_truth(truth.truth_at if truth else None)
        self.insights.setVisible(any(not self.insights.widget(i).isHidden()
                                     for i in range(self.insights.count())))

    def _on_confusion_cell_chosen(self, truth: str, predicted: str) -> None:
        keys = self.run.truth.keys_for(truth, predicted)
        self.pick_keys(keys, f"truth {truth}, predicted {predicted} ({len(keys)} files)")

    def compare_with(self, other: CorpusRunData | None) -> None:
        """Show `other`'s answer and the change beside each file (None: stop)."""
        self.comparison = None if other is None else RunComparison(self.run, other)
        self.files_model.set_comparison(self.comparison)
        self._show_comparison()

    def _show_comparison(self) -> None:
        comparing = self.comparison is not None
        self.compare_label.setVisible(comparing)
        self.changed_only.setVisible(comparing)
        if not comparing:
            self.changed_only.setChecked(False)
            return
        self.compare_label.setText(self.comparison.summary_text())
        self._on_changed_only_toggled(self.changed_only.isChecked())

    def _on_changed_only_toggled(self, checked: bool) -> None:
        keys = self.comparison.changed_keys() if checked and self.comparison else None
        self.proxy.set_changed_only(keys)
        self._show_count()

    def _on_compare_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Compare With Corpus Run",
                                                  str(self.run.folder.parent))
        if not folder:
            return
        try:
            other = CorpusRunData.read(folder)
        except (OSError, ValueError) as exc:  # no ledger, an unreadable truth file
            self.compare_label.setText(f"Cannot compare with {folder}: {exc}")
            self.compare_label.show()
            return
        self.compare_with(other)

    def relabel_menu(self, row: dict, segment: dict | None = None) -> QMenu:
        """The context menu of file `row` (or of one of its `segment`s, a classify run):
        its truth label, or a transcribe run's transcript, written to the run's
        relabelled truth."""
        menu = QMenu(self)
        if row["status"] != "ok" or self.run.kind == "enhance" or \
                (segment is not None and self.run.kind != "classify"):
            menu.addAction("No truth for this row").setEnabled(False)
            return menu
        if self.run.kind == "transcribe":
            menu.addAction("Set Transcript…", lambda: self._ask_truth(row, "Transcript"))
            return menu
        span = None if segment is None else (segment["start"], segment["end"])
        labels = menu.addMenu("Set Truth Label" if span is None else
                              "Set Truth Label of This Segment")
        known = set(self.run.predicted_labels())
        known |= set(self.run.truth.labels()) if self.run.truth else set()
        for label in sorted(known):
            labels.addAction(label, lambda label=label: self.relabel(row, label, span))
        labels.addSeparator()
        labels.addAction("Other…", lambda: self._ask_truth(row, "Truth label", span))
        return menu

    def relabel(self, row: dict, label: str, span: tuple[float, float] | None = None
                ) -> None:
        """Make `label` the truth of file `row` (or of its stretch `span`); the matrix,
        map and table follow.  The truth goes to RUN_DIR/truth-relabelled.csv, never
        over the user's file."""
        truth = self.run.start_truth()
        written = truth.relabel(row, label, span)
        truth.rematch(self.run.files, self.run.segments)
        self.files_model.truth_changed()
        self._show_truth()
        if self.comparison is not None:  # a WER change is measured against the truth
            self.compare_with(self.comparison.other)
        self.truth_label.setText(f"Truth saved to {written}")

    def _ask_truth(self, row: dict, what: str, span=None) -> None:
        current = self.run.truth.truth_of(row["key"]) if self.run.truth else ""
        text, ok = QInputDialog.getText(self, what, f"{what} of {row['relative']}:",
                                        text=current)
        if ok and text.strip():
            self.relabel(row, text.strip(), span)

    def _on_files_context_menu(self, position: QPoint) -> None:
        index = self.files_table.indexAt(position)
        if index.isValid():
            menu = self.relabel_menu(index.data(ROW_ROLE))
            menu.exec(self.files_table.viewport().mapToGlobal(position))

    def _on_segments_context_menu(self, position: QPoint) -> None:
        index = self.segments_table.indexAt(position)
        row = self.files_table.currentIndex().data(ROW_ROLE)
        if index.isValid() and row is not None:
            menu = self.relabel_menu(row, index.data(ROW_ROLE))
            menu.exec(self.segments_table.viewport().mapToGlobal(position))

    def _on_map_points_chosen(self, indices: list) -> None:
        keys = {self.embedding_map.points[i][0]["key"] for i in indices}
        self.pick_keys(keys, f"{len(indices)} segments chosen on the map ({len(keys)} files)")

    def _on_worst_first_clicked(self) -> None:
        self.files_table.horizontalHeader().setSortIndicatorShown(False)
        self.proxy.sort_worst_first()

    def _on_filter_changed(self, _text: str) -> None:
        self.proxy.set_filter(self.filter_edit.text(),
                              _STATUSES[self.status_combo.currentText()])
        self._show_count()

    def _show_count(self) -> None:
        errors = sum(1 for row in self.run.files if row["status"] != "ok")
        self.count_label.setText(f"{self.proxy.rowCount()} of {len(self.run.files)} files, "
                                 f"{errors} errors")

    def _on_file_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        self.segments_model.show_rows(self.run.segments.get(row["key"], []) if row else [])

    def _on_files_double_clicked(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        first = self.run.segments.get(row["key"], [])
        start, end = (first[0]["start"], first[0]["end"]) if first else (None, None)
        # Compared with another run: open where the two runs first disagree.
        differ = self.comparison.first_difference(row) if self.comparison else None
        if differ is not None:
            start, end = differ
        self.open_requested.emit(row["path"], start, end)

    def _on_segments_double_clicked(self, index: QModelIndex) -> None:
        current = self.files_table.currentIndex().data(ROW_ROLE)
        segment = index.data(ROW_ROLE)
        self.open_requested.emit(current["path"], segment["start"], segment["end"])


def _table(model, sortable: bool) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    if sortable:
        table.setSortingEnabled(True)
        table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    return table

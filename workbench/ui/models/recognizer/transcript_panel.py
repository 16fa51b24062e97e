"""`TranscriptPanel`: the words of one document's "words" tier in a table.

Each row is a word label with its start, end and confidence (from the document's
transcript analysis, matched by start time; "—" for a word the recognizer did not
emit, such as one typed in later).  Words under `LOW_CONFIDENCE` are marked.
Clicking a row emits `word_activated(start, end)` in frames; editing a word's text
pushes a `SetLabelTextCommand` on the document's History, so it keeps its times and
can be undone.  While a transcription runs, `show_partial(transcript)` lists the words
decoded so far instead (grey, not editable; clicking one still plays it).  Its Export
menu emits `export_requested(format)`.  A model chooser
and Transcribe button above the table emit `transcribe_requested(model name)`, to
compare recognizers on the same audio (the words say which model made them; undo
brings back the previous model's words).  The panel redraws (on the next event loop
turn) when the document's labels or analyses change.

GUI thread only.  The panel does not own the document or the history.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.analysis.results import Transcript
from workbench.core.document.analysis_commands import WORDS_TIER
from workbench.core.document.document import Document
from workbench.core.document.history import History
from workbench.core.document.label_commands import SetLabelTextCommand
from workbench.core.document.transcript_export import TranscriptFormat
from workbench.core.labels.labels import Label, LabelTier
from workbench.ui.event_subscription import subscribe_while_alive

LOW_CONFIDENCE = 0.5
LOW_COLOUR = QColor(255, 200, 120)
PARTIAL_COLOUR = QColor(130, 130, 130)
COLUMNS = ("Word", "Start (s)", "End (s)", "Confidence")


def words_tier(doc: Document) -> LabelTier | None:
    """The document's "words" tier, or None."""
    return next((t for t in doc.label_tiers if t.name == WORDS_TIER), None)


def word_confidences(doc: Document) -> dict[int, float]:
    """Start frame -> confidence of each word of the document's transcript."""
    result = doc.analyses.get("transcribe")
    if not isinstance(result, Transcript):
        return {}
    return {round(w.start * doc.sample_rate): w.confidence for w in result.words}


class TranscriptPanel(QWidget):
    """The transcript of one document (or none) as an editable table of words."""

    word_activated = Signal(int, int)  # start, end in frames
    export_requested = Signal(object)  # a TranscriptFormat
    transcribe_requested = Signal(str)  # a recognizer's name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self.history: History | None = None
        self.labels: list[Label] = []
        self.partial: Transcript | None = None  # words so far of a running transcription
        self._partial_spans: list[tuple[int, int]] = []
        self._unsubscribe: list[Callable[[], None]] = []
        self._filling = False
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.verticalHeader().hide()
        self.table.cellClicked.connect(self._on_table_cell_clicked)
        self.table.itemChanged.connect(self._on_table_item_changed)
        self.export_menu = QMenu("Export", self)
        for fmt in TranscriptFormat:
            action = self.export_menu.addAction(f"{fmt.title} ({fmt.suffix})…")
            action.setData(fmt)
            action.triggered.connect(lambda _=False, f=fmt: self.export_requested.emit(f))
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setMenu(self.export_menu)
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.model_box = QComboBox()
        self.model_box.setToolTip("The recognizer to transcribe with")
        self.transcribe_button = QPushButton("Transcribe")
        self.transcribe_button.setToolTip("Transcribe the selection (or the whole file) with "
                                          "the chosen recognizer")
        self.transcribe_button.clicked.connect(self._on_transcribe_button_clicked)
        self.model_label = QLabel()
        tools = QHBoxLayout()
        tools.addWidget(self.model_box, 1)
        tools.addWidget(self.transcribe_button)
        tools.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(tools)
        layout.addWidget(self.model_label)
        layout.addWidget(self.table)

    def set_models(self, names: list[str]) -> None:
        """Offer `names` in the model chooser, keeping the chosen one when it is still there."""
        chosen = self.model_box.currentText()
        self.model_box.clear()
        self.model_box.addItems(names)
        if chosen in names:
            self.model_box.setCurrentText(chosen)
        self.transcribe_button.setEnabled(bool(names))

    def chosen_model(self) -> str | None:
        return self.model_box.currentText() or None

    def _on_transcribe_button_clicked(self) -> None:
        if self.chosen_model():
            self.transcribe_requested.emit(self.chosen_model())

    def set_document(self, doc: Document | None, history: History | None) -> None:
        """Show `doc`'s words (None: nothing); word edits go on `history`."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self.document, self.history = doc, history
        self._unsubscribe = []
        if doc is not None:
            self._unsubscribe = [
                subscribe_while_alive(self, doc.labels_changed, self._on_document_changed),
                subscribe_while_alive(self, doc.analyses_changed, self._on_document_changed)]
        self.refresh()

    def has_words(self) -> bool:
        return bool(self.labels) or self.partial is not None

    def show_partial(self, transcript: Transcript | None) -> None:
        """Show the words decoded so far of a running transcription of this document
        (None: its words tier again)."""
        self.partial = transcript
        self.refresh()

    def refresh(self) -> None:
        if self.partial is not None and self.document is not None:
            self._fill_partial()
            return
        doc = self.document
        tier = words_tier(doc) if doc is not None else None
        self.labels = list(tier.labels) if tier is not None else []
        confidences = word_confidences(doc) if doc is not None else {}
        self._filling = True
        try:
            self.table.setRowCount(len(self.labels))
            for row, label in enumerate(self.labels):
                self._fill_row(row, label, confidences.get(label.start), doc.sample_rate)
        finally:
            self._filling = False
        self.export_button.setEnabled(bool(self.labels))
        result = doc.analyses.get("transcribe") if doc is not None else None
        self.model_label.setText(f"Words by {result.model}" if isinstance(result, Transcript)
                                 and result.model else "")

    def _fill_partial(self) -> None:
        words, rate = self.partial.words, self.document.sample_rate
        self.labels = []
        self._partial_spans = [(round(w.start * rate), round(w.end * rate)) for w in words]
        self._filling = True
        try:
            self.table.setRowCount(len(words))
            for row, word in enumerate(words):
                for column, text in enumerate((word.word, f"{word.start:.2f}",
                                               f"{word.end:.2f}", "…")):
                    item = QTableWidgetItem(text)
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                    item.setForeground(QBrush(PARTIAL_COLOUR))
                    self.table.setItem(row, column, item)
        finally:
            self._filling = False
        self.export_button.setEnabled(False)
        self.model_label.setText(f"Transcribing with {self.partial.model}: {len(words)} "
                                 f"word{'s' if len(words) != 1 else ''} so far…")

    def is_low(self, row: int) -> bool:
        """Whether row `row` is marked as a low-confidence word."""
        return self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) is True

    def _fill_row(self, row: int, label: Label, confidence: float | None, rate: int) -> None:
        low = confidence is not None and confidence < LOW_CONFIDENCE
        cells = (label.text, f"{label.start / rate:.2f}", f"{label.end / rate:.2f}",
                 "—" if confidence is None else f"{confidence:.2f}")
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            if low:
                item.setBackground(QBrush(LOW_COLOUR))
                item.setToolTip("Low confidence: the recognizer was unsure of this word")
            self.table.setItem(row, column, item)
        self.table.item(row, 0).setData(Qt.ItemDataRole.UserRole, low)

    def _on_document_changed(self, *_args) -> None:
        # Deferred: an edit made in the table changes the document from inside the
        # table's itemChanged handler, where its items must not be replaced yet.
        QTimer.singleShot(0, self, self.refresh)

    def _on_table_cell_clicked(self, row: int, _column: int) -> None:
        if self.partial is not None and 0 <= row < len(self._partial_spans):
            self.word_activated.emit(*self._partial_spans[row])
        elif 0 <= row < len(self.labels):
            label = self.labels[row]
            self.word_activated.emit(label.start, label.end)

    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 0 or self.document is None:
            return
        tier = words_tier(self.document)
        label = self.labels[item.row()] if item.row() < len(self.labels) else None
        text = item.text().strip()
        if tier is None or label is None or self.history is None or text == label.text:
            return
        self.history.push(SetLabelTextCommand(tier.id, label.id, text))

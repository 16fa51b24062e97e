"""The selection bar: start, end and length of the selection as editable fields.

The fields show the current document's selection in the chosen time format
(seconds, h:m:s.ms or samples) and follow it as it changes; typing a value
and pressing Enter sets the selection (start and end move the ends, length
moves the end).  Next to them: the zero-crossing snap toggle and, for files
with several channels, one toggle per channel that says which channels the
selection covers.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from workbench.core.document.document import Document
from workbench.core.document.selection import Selection
from workbench.core.time_format import TimeFormat, format_time, parse_time
from workbench.ui.event_subscription import subscribe_while_alive

FIELD_WIDTH = 120
CHANNEL_BUTTON_STYLE = "QToolButton:checked { background: #3a78c8; color: white; }"


class SelectionBar(QWidget):
    """Selection fields for the document given to `set_document` (None: empty and disabled).

    GUI thread only.  The bar listens to its document's selection until
    another document is set or the bar is destroyed.  Editing a field or a
    channel toggle sets the document's selection.  `snap_toggled(bool)` tells
    the owner to switch zero-crossing snapping of mouse selections;
    `input_rejected(str)` carries the reason a typed value was not taken
    (the field then shows the selection again).
    """

    snap_toggled = Signal(bool)
    input_rejected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self._unsubscribe: list = []
        self.format_box = QComboBox()
        for fmt in TimeFormat:
            self.format_box.addItem(fmt.title, fmt)
        self.format_box.setToolTip("How times are shown and typed")
        self.start_edit, self.end_edit, self.length_edit = QLineEdit(), QLineEdit(), QLineEdit()
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        for name, edit in (("Start", self.start_edit), ("End", self.end_edit),
                           ("Length", self.length_edit)):
            edit.setFont(mono)
            edit.setFixedWidth(FIELD_WIDTH)
            edit.setToolTip(f"Selection {name.lower()}; type a time and press Enter")
            edit.editingFinished.connect(lambda e=edit: self._on_field_editing_finished(e))
            layout.addWidget(QLabel(name))
            layout.addWidget(edit)
        layout.addWidget(self.format_box)
        self.snap_box = QCheckBox("Snap to zero crossings")
        self.snap_box.setToolTip("Mouse selections end where the waveform crosses zero")
        layout.addWidget(self.snap_box)
        self.channels_label = QLabel("Channels")
        layout.addWidget(self.channels_label)
        self._channel_layout = QHBoxLayout()
        layout.addLayout(self._channel_layout)
        layout.addStretch(1)
        self.channel_buttons: list[QToolButton] = []
        self.format_box.currentIndexChanged.connect(self._on_format_box_changed)
        self.snap_box.toggled.connect(self.snap_toggled)
        self._show()

    # -- what is shown ------------------------------------------------------------
    @property
    def time_format(self) -> TimeFormat:
        return self.format_box.currentData()

    def set_time_format(self, fmt: TimeFormat) -> None:
        self.format_box.setCurrentIndex(self.format_box.findData(fmt))

    def set_document(self, document: Document | None) -> None:
        """Show `document`'s selection (stop listening to the one shown before)."""
        if document is self.document:
            return
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self.document = document
        self._unsubscribe = [] if document is None else [
            subscribe_while_alive(self, document.selection_changed, self._on_selection_changed),
            subscribe_while_alive(self, document.changed, self._show)]
        self._show()

    def _on_selection_changed(self, _selection: Selection) -> None:
        self._show()

    def _on_format_box_changed(self, _index: int) -> None:
        self._show()

    def _show(self) -> None:
        doc = self.document
        self.setEnabled(doc is not None)
        self._build_channel_buttons()
        if doc is None:
            for edit in (self.start_edit, self.end_edit, self.length_edit):
                edit.clear()
            return
        sel, rate, fmt = doc.selection, doc.sample_rate, self.time_format
        self.start_edit.setText(format_time(sel.start, rate, fmt))
        self.end_edit.setText(format_time(sel.stop, rate, fmt))
        self.length_edit.setText(format_time(sel.length, rate, fmt))
        for c, button in enumerate(self.channel_buttons):
            button.setChecked(sel.includes_channel(c))

    def _build_channel_buttons(self) -> None:
        count = self.document.channels if self.document is not None else 0
        if count == len(self.channel_buttons):
            return
        for button in self.channel_buttons:
            self._channel_layout.removeWidget(button)
            button.deleteLater()
        self.channel_buttons = []
        names = ("L", "R") if count == 2 else [str(c + 1) for c in range(count)]
        for c, name in enumerate(names if count > 1 else ()):
            button = QToolButton()
            button.setText(name)
            button.setCheckable(True)
            button.setStyleSheet(CHANNEL_BUTTON_STYLE)
            button.setToolTip(f"Channel {c + 1} is part of the selection")
            button.clicked.connect(self._on_channel_button_clicked)
            self._channel_layout.addWidget(button)
            self.channel_buttons.append(button)
        self.channels_label.setVisible(bool(self.channel_buttons))

    # -- editing ----------------------------------------------------------------------
    def _on_field_editing_finished(self, edit: QLineEdit) -> None:
        doc = self.document
        if doc is None or not edit.isModified():
            return  # leaving a field untouched must not round the selection to what it shows
        sel = doc.selection
        try:
            value = parse_time(edit.text(), doc.sample_rate, self.time_format)
        except ValueError as exc:
            self._show()
            self.input_rejected.emit(str(exc))
            return
        if edit is self.start_edit:
            start, stop = value, max(value, sel.stop)
        elif edit is self.end_edit:
            start, stop = min(sel.start, value), value
        else:
            start, stop = sel.start, sel.start + value
        doc.set_selection(Selection(start, stop, sel.channels))
        self._show()  # the document may have clamped the value: show what was taken

    def _on_channel_button_clicked(self) -> None:
        doc = self.document
        chosen = [c for c, b in enumerate(self.channel_buttons) if b.isChecked()]
        if doc is None or not chosen:
            self._show()  # at least one channel stays selected
            return
        channels = None if len(chosen) == len(self.channel_buttons) else chosen
        doc.set_selection(doc.selection.with_channels(channels))

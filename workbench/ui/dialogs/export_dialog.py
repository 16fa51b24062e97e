"""Asks where to export and in which format / sample format."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QWidget,
)

from workbench.core.audio.audio_export import supported_export_formats
from workbench.ui.dialogs.dialog_buttons import ok_cancel_buttons

EXTENSIONS = {"WAV": ".wav", "FLAC": ".flac", "OGG": ".ogg"}


class ExportDialog(QDialog):
    """Choose file, container format and sample format; `choice()` returns them."""

    def __init__(self, suggested: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Audio")
        self.formats = supported_export_formats()
        self.format_box = QComboBox()
        self.format_box.addItems(list(self.formats))
        self.subtype_box = QComboBox()
        self.path_edit = QLineEdit(str(suggested.with_suffix(".wav")))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("File:", row)
        form.addRow("Format:", self.format_box)
        form.addRow("Sample format:", self.subtype_box)
        buttons = ok_cancel_buttons(self)
        form.addRow(buttons)
        self.format_box.currentTextChanged.connect(self._on_format_changed)
        self._on_format_changed(self.format_box.currentText())

    def choice(self) -> tuple[Path, str, str]:
        return Path(self.path_edit.text()), self.format_box.currentText(), \
            self.subtype_box.currentText()

    def _on_format_changed(self, fmt: str) -> None:
        self.subtype_box.clear()
        self.subtype_box.addItems(self.formats.get(fmt, []))
        path = Path(self.path_edit.text())
        if fmt in EXTENSIONS:
            self.path_edit.setText(str(path.with_suffix(EXTENSIONS[fmt])))

    def _on_browse_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export Audio", self.path_edit.text())
        if name:
            self.path_edit.setText(name)

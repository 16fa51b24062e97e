"""Asks which model kind to run over which folder, and where the run goes."""

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

from workbench.ui.dialogs.dialog_buttons import ok_cancel_buttons

KINDS = {"Classify": "classify", "Transcribe": "transcribe", "Enhance": "enhance"}


class CorpusRunDialog(QDialog):
    """Model kind, input folder, run folder; `choice()` returns (kind, input, run)."""

    def __init__(self, start_folder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Run a Model on a Corpus")
        self.kind_box = QComboBox()
        self.kind_box.addItems(list(KINDS))
        self.input_edit = QLineEdit(start_folder)
        self.out_edit = QLineEdit()
        self.input_edit.textChanged.connect(self._on_input_changed)
        self._suggested_out = ""
        form = QFormLayout(self)
        form.addRow("Model", self.kind_box)
        form.addRow("Files in", self._with_browse(self.input_edit))
        form.addRow("Results to", self._with_browse(self.out_edit))
        self.buttons = ok_cancel_buttons(self, ok_text="Run")
        form.addRow(self.buttons)
        self._on_input_changed(start_folder)

    def choice(self) -> tuple[str, Path, Path]:
        return (KINDS[self.kind_box.currentText()], Path(self.input_edit.text()),
                Path(self.out_edit.text()))

    def _with_browse(self, edit: QLineEdit) -> QHBoxLayout:
        browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: self._on_browse_clicked(edit))
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(browse)
        return row

    def _on_browse_clicked(self, edit: QLineEdit) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose a Folder", edit.text())
        if folder:
            edit.setText(folder)

    def _on_input_changed(self, text: str) -> None:
        # Suggest a run folder beside the input until the user types one of their own.
        if self.out_edit.text() in ("", self._suggested_out) and text:
            path = Path(text)
            self._suggested_out = str(path.with_name(path.name + "-run"))
            self.out_edit.setText(self._suggested_out)

"""Wires the recognizer's views into the main window.

One transcript dock follows the current tab; it is hidden until the current
document has words, and shown when a transcript is applied to it.  Clicking a
word selects its span on the document and plays it through `window.player`;
the panel's Export menu writes the (edited) transcript as TXT, SRT, VTT, JSON
or Audacity labels.

GUI thread only.  Built once by the MainWindow.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QFileDialog

from workbench.core.analysis.results import Transcript
from workbench.core.document.selection import Selection
from workbench.core.document.transcript_export import (
    TranscriptFormat,
    document_transcript,
    transcript_text,
)
from workbench.ui.models.recognizer.transcript_panel import TranscriptPanel


class RecognizerUi(QObject):
    """The recognizer's part of `window` (a MainWindow)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.panel = TranscriptPanel()
        self.dock = QDockWidget("Transcript", window)
        self.dock.setObjectName("transcript")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()  # until there is a transcript; View > Transcript shows it
        self.dock.toggleViewAction().setText("&Transcript")
        window.view_menu.addAction(self.dock.toggleViewAction())
        window.tabs.currentChanged.connect(self._on_tabs_current_changed)
        window.model_jobs.result_applied.connect(self._on_model_jobs_result_applied)
        window.document_closed.connect(self._on_window_document_closed)
        self.panel.word_activated.connect(self._on_panel_word_activated)
        self.panel.export_requested.connect(self._on_panel_export_requested)

    def follow_current(self) -> None:
        """Show the current tab's transcript (hiding the dock when it has none)."""
        entry = self.window.current_entry()
        if entry is None:
            self.panel.set_document(None, None)
        else:
            self.panel.set_document(entry.document, entry.history)
        self.dock.setVisible(self.panel.has_words())

    def _on_tabs_current_changed(self, _index: int) -> None:
        self.follow_current()

    def _on_window_document_closed(self, entry) -> None:
        if self.panel.document is entry.document:
            self.panel.set_document(None, None)
            self.dock.hide()

    def _on_model_jobs_result_applied(self, job, result) -> None:
        entry = self.window.current_entry()
        if isinstance(result, Transcript) and entry is not None \
                and job.document is entry.document:
            self.follow_current()

    def _on_panel_word_activated(self, start: int, end: int) -> None:
        entry = self.window.current_entry()
        if entry is None:
            return
        entry.document.set_selection(Selection(start, end))
        if end > start:
            self.window.player.play_range(start, end, loop=False)

    # -- export ---------------------------------------------------------------------------
    def export(self, fmt: TranscriptFormat, path: Path) -> bool:
        """Write the current document's transcript to `path` in `fmt`; True when written."""
        entry = self.window.current_entry()
        export = document_transcript(entry.document, entry.warnings) if entry else None
        if export is None:
            self.window.statusBar().showMessage("Transcribe a recording first", 5000)
            return False
        try:
            Path(path).write_text(transcript_text(export, fmt), encoding="utf-8")
        except OSError as exc:
            self.window.errors.report("Cannot export the transcript", exc)
            return False
        self.window.statusBar().showMessage(f"Exported the transcript to {path}", 8000)
        return True

    def _on_panel_export_requested(self, fmt: TranscriptFormat) -> None:
        entry = self.window.current_entry()
        stem = entry.document.path.with_suffix(fmt.suffix).name \
            if entry and entry.document.path else f"transcript{fmt.suffix}"
        path, _ = QFileDialog.getSaveFileName(self.window, f"Export {fmt.title}", stem,
                                              f"{fmt.title} (*{fmt.suffix})")
        if path:
            self.export(fmt, Path(path))

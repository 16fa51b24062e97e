"""Wires the recognizer's views into the main window.

One transcript dock follows the current tab; it is hidden until the current
document has words, and shown when a transcript is applied to it.  While a
transcription runs, the words decoded so far (the job's partial results) show in it.  Clicking a
word selects its span on the document and plays it through `window.player`;
clicking a word on the "words" tier of the timeline does the same (one code path,
`play_word`); the panel's Export menu writes the (edited) transcript as TXT, SRT, VTT, JSON
or Audacity labels.  When a transcript is applied, the recognizer's
posteriorgram over the transcribed span is computed as a quiet job on the
model lane and drawn in a row under the spectrogram (`PosteriorgramRow`);
pointing at the document shows the top symbols there.  The recurrent layers' outputs
over the same span are computed the same way and drawn below it (`HiddenStateRow`:
choose a layer and direction, click a unit to plot its activation).  While recording,
`LiveWords` shows the words heard on the recording monitor and puts them in the take.
The panel's model chooser lists the zoo's recognizers (shipped and adapted) and the
downloaded torchaudio recognizers of the model manager (no rows inside those); its
Transcribe button and live words use the chosen one.  Models > Adapt Recognizer to
This Recording… fine-tunes a copy of it on the corrected words (AdaptRecognizerDialog).

GUI thread only.  Built once by the MainWindow.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDockWidget, QFileDialog

from workbench.core.analysis.results import Transcript
from workbench.core.document.analysis_commands import WORDS_TIER
from workbench.core.document.selection import Selection
from workbench.core.document.transcript_export import (
    TranscriptFormat,
    document_transcript,
    transcript_text,
)
from workbench.ml.errors import ModelLoadError
from workbench.ml.recognizer.pretrained_names import PRETRAINED_RECOGNIZERS
from workbench.ml.zoo.pretrained import list_pretrained
from workbench.runtime.recognizer_inspection import RecognizerInspectionService
from workbench.ui.models.recognizer.adapt_dialog import AdaptRecognizerDialog
from workbench.ui.models.recognizer.hidden_state_row import HiddenStateRow
from workbench.ui.models.recognizer.live_words import LiveWords
from workbench.ui.models.recognizer.posteriorgram_row import PosteriorgramRow
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
        window.model_jobs.partial_result.connect(self._on_model_jobs_partial_result)
        self._partials: dict = {}  # Document -> (ModelJob, words so far) while it transcribes
        window.document_closed.connect(self._on_window_document_closed)
        self.panel.word_activated.connect(self._on_panel_word_activated)
        window.edit_actions.labels.label_clicked.connect(self._on_labels_label_clicked)
        self.panel.export_requested.connect(self._on_panel_export_requested)
        self.inspection = RecognizerInspectionService(window.runner, window.model_jobs, self)
        self.inspection.computed.connect(self._on_inspection_computed)
        self.inspection.failed.connect(self._on_inspection_failed)
        self.inspection.states_computed.connect(self._on_inspection_states_computed)
        self.inspection.states_failed.connect(self._on_inspection_failed)
        self._rows: dict = {}  # DocumentView -> PosteriorgramRow, dropped when it closes
        self._state_rows: dict = {}  # DocumentView -> HiddenStateRow, likewise
        window.loader.loaded.connect(self._on_loader_loaded)
        self.panel.transcribe_requested.connect(self.transcribe_with)
        self.live = LiveWords(window, self.live_model)
        self.adapt_action = window.models_menu.addAction("&Adapt Recognizer to This Recording…")
        self.adapt_action.triggered.connect(lambda _=False: self.adapt_dialog())
        self.adapt_dialogs: dict = {}  # Document -> its AdaptRecognizerDialog
        self.refresh_models()

    # -- recognizers ----------------------------------------------------------------------
    def recognizer_names(self) -> list[str]:
        """The zoo's usable recognizers (shipped first, then the user's own), then the
        model manager's pretrained recognizers that are downloaded."""
        return self.zoo_recognizer_names() + [
            info.name for info in list_pretrained()
            if info.cached and info.name in PRETRAINED_RECOGNIZERS]

    def zoo_recognizer_names(self) -> list[str]:
        try:
            return self.window.model_jobs.zoo.usable_names("speech-recognition")
        except ModelLoadError:  # an unreadable manifest: nothing to offer
            return []

    def refresh_models(self) -> None:
        """List the zoo's recognizers in the panel (a model may have been added)."""
        self.panel.set_models(self.recognizer_names())

    def live_model(self) -> str | None:
        """The recognizer for live words: the chosen one when it is a workbench recognizer
        (a pretrained download does not stream), else the zoo's default."""
        chosen = self.panel.chosen_model()
        return chosen if chosen in self.zoo_recognizer_names() else None

    def transcribe_with(self, name: str):
        """Transcribe the current selection (or whole file) with recognizer `name`."""
        return self.window.models_menu.submit_on_selection("transcribe", model=name)

    def adapt_dialog(self) -> AdaptRecognizerDialog | None:
        """Open (or raise) the current document's Adapt dialog: the chosen recognizer,
        or the shipped one when the chosen one is a pretrained download."""
        entry = self.window.current_entry()
        if entry is None:
            self.window.statusBar().showMessage("Open a file first", 5000)
            return None
        dialog = self.adapt_dialogs.get(entry.document)
        if dialog is None:
            chosen = self.panel.chosen_model()
            base = chosen if chosen in self.zoo_recognizer_names() else "recognizer"
            dialog = AdaptRecognizerDialog(self, entry.document, base)
            self.adapt_dialogs[entry.document] = dialog
        dialog.show()
        dialog.raise_()
        return dialog

    def row_for(self, document) -> PosteriorgramRow | None:
        entry = next((e for e in self.window.open_documents if e.document is document), None)
        return self._rows.get(entry.view) if entry else None

    def state_row_for(self, document) -> HiddenStateRow | None:
        entry = next((e for e in self.window.open_documents if e.document is document), None)
        return self._state_rows.get(entry.view) if entry else None

    def _on_loader_loaded(self, document) -> None:
        entry = next((e for e in self.window.open_documents if e.document is document), None)
        if entry is None:
            return
        row = PosteriorgramRow(entry.view)
        self._rows[entry.view] = row
        self._state_rows[entry.view] = HiddenStateRow(entry.view)
        entry.view.pointer_moved.connect(lambda info, r=row: r.show_hover(info["time"]))

    def _on_inspection_states_computed(self, document, states) -> None:
        row = self.state_row_for(document)
        if row is not None:
            row.show_states(states)

    def _on_inspection_computed(self, document, gram) -> None:
        row = self.row_for(document)
        if row is not None:
            row.show_posteriorgram(gram)

    def _on_inspection_failed(self, _document, error) -> None:
        self.window.statusBar().showMessage(
            f"Cannot look inside the recognizer: {error}", 8000)

    def follow_current(self) -> None:
        """Show the current tab's transcript (hiding the dock when it has none)."""
        entry = self.window.current_entry()
        if entry is None:
            self.panel.set_document(None, None)
        else:
            self.panel.set_document(entry.document, entry.history)
            partial = self._partials.get(entry.document)
            self.panel.show_partial(partial[1] if partial else None)
        self.refresh_models()
        self.dock.setVisible(self.panel.has_words())

    def _on_tabs_current_changed(self, _index: int) -> None:
        self.follow_current()

    def _on_window_document_closed(self, entry) -> None:
        self._rows.pop(entry.view, None)
        self._state_rows.pop(entry.view, None)
        self._partials.pop(entry.document, None)
        dialog = self.adapt_dialogs.pop(entry.document, None)
        if dialog is not None:
            dialog.service.cancel()
            dialog.close()
        self.inspection.forget(entry.document)
        if self.panel.document is entry.document:
            self.panel.set_document(None, None)
            self.dock.hide()

    def _on_model_jobs_partial_result(self, job, result) -> None:
        if job.kind != "transcribe" or not isinstance(result, Transcript):
            return
        if job.document not in self._partials:
            job.handle.ended.connect(lambda _h=None, j=job: self._on_job_ended(j))
        self._partials[job.document] = (job, result)
        entry = self.window.current_entry()
        if entry is not None and entry.document is job.document:
            self.panel.show_partial(result)
            self.dock.setVisible(True)

    def _on_job_ended(self, job) -> None:
        partial = self._partials.get(job.document)
        if partial is not None and partial[0] is job:
            del self._partials[job.document]
            if self.panel.document is job.document:
                self.panel.show_partial(None)
                self.dock.setVisible(self.panel.has_words())

    def _on_model_jobs_result_applied(self, job, result) -> None:
        if isinstance(result, Transcript) and job.handle is not None:
            self._on_job_ended(job)
        if isinstance(result, Transcript):
            self._look_inside(job, result.model or job.model)
        entry = self.window.current_entry()
        if isinstance(result, Transcript) and entry is not None \
                and job.document is entry.document:
            self.follow_current()

    def _look_inside(self, job, model: str | None) -> None:
        """Posteriorgram and hidden states of the workbench's own recognizers; a
        pretrained one (another architecture) leaves the rows empty."""
        if model is not None and model in PRETRAINED_RECOGNIZERS:
            self.inspection.forget(job.document)
            gram_row, state_row = self.row_for(job.document), self.state_row_for(job.document)
            if gram_row is not None:
                gram_row.show_posteriorgram(None)
            if state_row is not None:
                state_row.show_states(None)
            return
        self.inspection.compute(job.document, job.start, job.stop, model)
        self.inspection.compute_states(job.document, job.start, job.stop, model)

    def _on_panel_word_activated(self, start: int, end: int) -> None:
        entry = self.window.current_entry()
        if entry is not None:
            self.play_word(entry.document, start, end)

    def _on_labels_label_clicked(self, document, tier, label) -> None:
        if tier.name == WORDS_TIER:
            self.play_word(document, label.start, label.end)

    def play_word(self, document, start: int, end: int) -> None:
        """Select a word's span [start, end) of `document` and play it (the panel and the
        words tier both come here)."""
        entry = self.window.current_entry()
        if entry is None or entry.document is not document:
            return  # the player plays the current tab only
        document.set_selection(Selection(start, end))
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

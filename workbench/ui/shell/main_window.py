"""The main window: documents in tabs, menus, file info dock, status bar.

It only draws and forwards intent: files are opened by the DocumentLoader,
exports run as jobs on the JobRunner, errors go to the ErrorReporter.
Importing this module must not import torch (start-up time): models load
lazily inside workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
)

from workbench.core.audio.audio_export import export_audio
from workbench.core.audio.audio_file import absurd_level_warning
from workbench.core.audio.audio_stats import AudioStats
from workbench.core.document.document import Document
from workbench.core.document.history import History
from workbench.core.jobs import JobRequest
from workbench.core.paths import display_name
from workbench.core.settings import Settings
from workbench.core.storage.project_file import PROJECT_SUFFIX
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.document_loader import DocumentLoader
from workbench.runtime.job_runner import JobRunner
from workbench.runtime.model_jobs import ModelJobService
from workbench.ui.dialogs.export_dialog import ExportDialog
from workbench.ui.help.help_menu import HelpMenu
from workbench.ui.lessons.lessons_ui import LessonsUi
from workbench.ui.models.classifier.classifier_ui import ClassifierUi
from workbench.ui.models.enhancer.enhancer_ui import EnhancerUi
from workbench.ui.models.recognizer.recognizer_ui import RecognizerUi
from workbench.ui.panels.file_info_panel import FileInfoPanel
from workbench.ui.panels.jobs_panel import BACKGROUND_KINDS, JobsPanel
from workbench.ui.shell.audio_transport import AudioTransport
from workbench.ui.shell.corpus_actions import CorpusActions
from workbench.ui.shell.edit_actions import EditActions
from workbench.ui.shell.error_reporter import ErrorReporter
from workbench.ui.shell.models_menu import ModelsMenu
from workbench.ui.shell.project_actions import ProjectActions
from workbench.ui.shell.status_indicators import DeviceIndicator, JobsIndicator
from workbench.ui.timeline.document_view import DocumentView, format_readout

AUDIO_FILTER = "Audio files (*.wav *.flac *.ogg *.oga *.mp3 *.aif *.aiff *.aifc);;All files (*)"
ZOOM_FACTOR = 2.0


@dataclass
class OpenDocument:
    document: Document
    view: DocumentView
    history: History  # the document's one undo history (edits, labels, model results)
    stats: AudioStats | None = None
    warnings: list[str] = field(default_factory=list)


class MainWindow(QMainWindow):
    """Top-level window.  Owns the views; the runner and settings are passed in."""

    document_closed = Signal(object)  # OpenDocument: whoever keeps parts of it lets go

    def __init__(self, runner: JobRunner, settings: Settings,
                 model_jobs: ModelJobService | None = None) -> None:
        super().__init__()
        self.runner, self.settings = runner, settings
        # app.py passes the service; without one (tests), one on the default model folder.
        self.model_jobs = model_jobs or ModelJobService(
            runner, ModelZoo.installed(), ModelCache(),
            settings.device, parent=self)
        self.setWindowTitle("Audio Workbench")
        self.setAcceptDrops(True)
        self.resize(1600, 1000)
        self.open_documents: list[OpenDocument] = []
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.setCentralWidget(self.tabs)
        self.info_panel = FileInfoPanel()
        dock = QDockWidget("File info", self)
        dock.setObjectName("file-info")
        dock.setWidget(self.info_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.readout = QLabel()
        self.jobs_label = JobsIndicator(runner)
        self.device_label = DeviceIndicator(self.model_jobs)
        self.statusBar().addWidget(self.readout, 1)
        self.statusBar().addPermanentWidget(self.jobs_label)
        self.statusBar().addPermanentWidget(self.device_label)
        self.errors = ErrorReporter(self, self.statusBar())
        self.loader = DocumentLoader(runner, self)
        self.loader.loaded.connect(self._on_document_loaded)
        self.loader.peaks_progressed.connect(self._on_peaks_progressed)
        self.loader.peaks_finished.connect(self._on_peaks_finished)
        self.loader.stats_ready.connect(self._on_stats_ready)
        self.loader.failed.connect(self._on_open_failed)
        self._build_jobs_dock()
        self._build_menus()
        self.models_menu = ModelsMenu(self, self.model_jobs)
        self.menuBar().addMenu(self.models_menu)
        self.classifier_ui = ClassifierUi(self)  # class timeline, segment actions, inspector
        self.edit_actions = EditActions(self)  # Edit/Effect menus, history dock, selection bar
        self.projects = ProjectActions(self)  # projects, autosave journals, asking before loss
        # Transport bar, playheads, recording monitor; sets self.player and self.recorder.
        self.transport = AudioTransport(self)
        self.classifier_ui.add_live_classes()  # the recording monitor's class line
        self.enhancer_ui = EnhancerUi(self)  # enhance results reviewed A/B before Apply
        self.recognizer_ui = RecognizerUi(self)  # transcript dock: words, click to play, edits
        self.corpus = CorpusActions(self)  # File > Open Corpus Run…, the corpus dock
        self.lessons = LessonsUi(self)  # Learn menu, lesson dock and player
        self.help_menu = HelpMenu(self, self.lessons.menu)  # last: it lists every action

    # -- menus ---------------------------------------------------------------
    def _action(self, menu, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&Open…", self.open_dialog, QKeySequence.StandardKey.Open)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self._rebuild_recent_menu()
        self._action(file_menu, "&Export Audio…", self.export_dialog, "Ctrl+Shift+E")
        self._action(file_menu, "&Close", lambda: self.close_tab(self.tabs.currentIndex()),
                     QKeySequence.StandardKey.Close)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.view_menu = view_menu = self.menuBar().addMenu("&View")
        self._action(view_menu, "Zoom &In", lambda: self._with_view(lambda v: v.zoom(ZOOM_FACTOR)),
                     ["+", "=", "Ctrl+1"])
        self._action(view_menu, "Zoom &Out",
                     lambda: self._with_view(lambda v: v.zoom(1 / ZOOM_FACTOR)), ["-", "Ctrl+3"])
        self._action(view_menu, "&Fit to Window", lambda: self._with_view(DocumentView.fit),
                     "Ctrl+F")
        self._action(view_menu, "Zoom to &Selection",
                     lambda: self._with_view(DocumentView.zoom_to_selection), "Ctrl+E")
        self._action(view_menu, "Spectrogram &Settings…", self.spectrogram_settings_dialog)

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.clear()
        for name in self.settings.recent_files:
            action = self.recent_menu.addAction(display_name(name))  # Qt drops odd bytes
            action.triggered.connect(lambda _=False, n=name: self.open_paths([Path(n)]))
        self.recent_menu.setEnabled(bool(self.settings.recent_files))

    # -- opening ---------------------------------------------------------------
    def open_dialog(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Open Audio", self.settings.last_directory,
                                                AUDIO_FILTER)
        self.open_paths([Path(n) for n in names])

    def open_paths(self, paths: list[Path | str]) -> None:
        for path in map(Path, paths):
            self.statusBar().showMessage(f"Opening {path.name}…")
            if path.suffix.lower() == PROJECT_SUFFIX:
                self.projects.open_project(path)
            else:
                self.loader.open(path)

    def _on_document_loaded(self, doc: Document) -> None:
        view = DocumentView(doc, self.runner)
        view.pointer_moved.connect(lambda info: self.readout.setText(format_readout(info)))
        # The model job service keeps one History per document; edits share it.
        entry = OpenDocument(doc, view, self.model_jobs.history(doc))
        self.open_documents.append(entry)
        self.tabs.addTab(view, doc.title)
        self.tabs.setCurrentWidget(view)
        if doc.path:
            self.settings.add_recent(doc.path)
            self._save_settings()
            self._rebuild_recent_menu()
        self.statusBar().showMessage(f"Opened {doc.title}", 5000)
        self._show_info(entry)
        file_warnings = getattr(doc.info, "warnings", ())
        if file_warnings:  # once, when the file opens; the info panel keeps them
            self.errors.warn(f"Problems in {doc.title}", "\n".join(file_warnings))

    def _on_peaks_progressed(self, doc: Document) -> None:
        entry = self._entry_for(doc)
        if entry:
            entry.view.refresh()

    def _on_peaks_finished(self, doc: Document, nonfinite: int) -> None:
        entry = self._entry_for(doc)
        if not entry:
            return
        entry.view.refresh()
        if nonfinite:
            text = (f"{doc.title} contains {nonfinite:,} non-finite samples (NaN/Inf); "
                    "they are shown and played as silence and exported as 0.")
            entry.warnings.append(text)
            self.errors.warn("Non-finite samples", text)
            self._show_info(entry)

    def _on_stats_ready(self, doc: Document, stats: AudioStats) -> None:
        entry = self._entry_for(doc)
        if not entry:
            return
        entry.stats = stats
        text = absurd_level_warning(max(stats.peak, default=0.0))
        if text:
            entry.warnings.append(text)
            self.errors.warn("Implausible sample values", f"{doc.title}: {text}")
        self._show_info(entry)

    def _on_open_failed(self, path: Path, error: BaseException) -> None:
        self.errors.report(f"Cannot open {Path(path).name}", error)

    # -- exporting ---------------------------------------------------------------
    def export_dialog(self) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        suggested = entry.document.path or Path(self.settings.last_directory or ".") / "untitled"
        dialog = ExportDialog(suggested, self)
        if dialog.exec():
            self.export_current(*dialog.choice())

    def export_current(self, path: Path, fmt: str, subtype: str):
        """Export the current document's first track as a background job; returns the handle."""
        entry = self.current_entry()
        doc = entry.document
        samples, rate = doc.tracks[0].samples, doc.sample_rate
        request = JobRequest("export", f"Export {path.name}", revision=doc.revision,
                             target=str(path))
        handle = self.runner.submit(
            request, lambda cancel: export_audio(samples, rate, path, fmt, subtype, cancel))
        handle.finished.connect(self._on_export_finished)
        handle.failed.connect(lambda exc: self.errors.report(f"Cannot export {path.name}", exc))
        return handle

    def _on_export_finished(self, report) -> None:
        text = f"Exported {Path(report.path).name}"
        if report.clipped_samples:
            text += f": {report.clipped_samples:,} samples were clipped to full scale"
            self.errors.warn("Samples clipped", text)
        self.statusBar().showMessage(text, 10000)

    # -- tabs and helpers --------------------------------------------------------
    def current_entry(self) -> OpenDocument | None:
        widget = self.tabs.currentWidget()
        return next((e for e in self.open_documents if e.view is widget), None)

    def close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        entry = next((e for e in self.open_documents if e.view is widget), None)
        if entry is None or not self.projects.may_close(entry):
            return
        self.tabs.removeTab(index)
        self.open_documents.remove(entry)
        self.model_jobs.forget(entry.document)
        self.document_closed.emit(entry)
        entry.view.deleteLater()

    def spectrogram_settings_dialog(self) -> None:
        from workbench.ui.dialogs.spectrogram_settings_dialog import SpectrogramSettingsDialog

        entry = self.current_entry()
        if entry is None:
            return
        dialog = SpectrogramSettingsDialog(entry.view.spectrogram.settings, self,
                                           channels=entry.document.channels)
        if dialog.exec():
            for e in self.open_documents:
                e.view.spectrogram.set_settings(dialog.get_settings())

    def is_idle(self) -> bool:
        """No job running and every view finished drawing (screenshots wait for this)."""
        return self.runner.is_idle() and self.loader.is_idle() and all(
            e.view.is_idle() for e in self.open_documents)

    def _with_view(self, fn) -> None:
        entry = self.current_entry()
        if entry:
            fn(entry.view)

    def _entry_for(self, doc: Document) -> OpenDocument | None:
        return next((e for e in self.open_documents if e.document is doc), None)

    def _show_info(self, entry: OpenDocument) -> None:
        if entry is self.current_entry():
            self.info_panel.show_document(entry.document, entry.stats, tuple(entry.warnings))

    def _on_tab_changed(self, _index: int) -> None:
        entry = self.current_entry()
        if entry:
            self._show_info(entry)
        else:
            self.info_panel.show_document(None)

    # -- model jobs ---------------------------------------------------------------
    def _build_jobs_dock(self) -> None:
        self.jobs_panel = JobsPanel(self.runner, self.model_jobs)
        self.jobs_dock = QDockWidget("Jobs", self)
        self.jobs_dock.setObjectName("jobs")
        self.jobs_dock.setWidget(self.jobs_panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.jobs_dock)
        self.jobs_label.clicked.connect(lambda: (self.jobs_dock.show(), self.jobs_dock.raise_()))
        self.device_label.clicked.connect(self.model_manager_dialog)
        self.model_jobs.apply_failed.connect(
            lambda job, exc: self.errors.report(f"Cannot apply the {job.kind} result", exc))
        self.model_manager = None

    def model_manager_dialog(self) -> None:
        from workbench.ui.dialogs.model_manager import ModelManagerDialog

        if self.model_manager is None:
            self.model_manager = ModelManagerDialog(self.model_jobs, self.settings, self)
        else:
            self.model_manager.refresh()
        self.model_manager.show()
        self.model_manager.raise_()

    def _confirm_quit(self, jobs) -> bool:
        names = ", ".join(f"{h.request.name} {h.request.target}".strip() for h in jobs[:3])
        answer = QMessageBox.question(
            self, "Jobs are running", f"{len(jobs)} job(s) still running ({names}). "
            "Cancel them and quit?", QMessageBox.StandardButton.Yes
            | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _save_settings(self) -> None:
        try:
            self.settings.save()
        except OSError as exc:
            self.statusBar().showMessage(f"Could not save settings: {exc}", 10000)

    # -- Qt overrides --------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_paths(paths)

    def closeEvent(self, event) -> None:  # noqa: N802
        # Work the user asked for is not thrown away without asking; view jobs are.
        asked = [h for h in self.runner.live_jobs if h.request.kind not in BACKGROUND_KINDS]
        if asked and not self._confirm_quit(asked):
            event.ignore()
            return
        if not self.projects.may_quit():  # unsaved documents: asked, maybe being saved
            event.ignore()
            return
        self.runner.cancel_all()
        super().closeEvent(event)

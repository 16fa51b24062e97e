"""Wires the classifier's views into the main window.

For every opened document: a class timeline row under the spectrogram, its
segment actions (right-click menu, and "Class Segments" in the Models menu)
and a saliency overlay on the spectrogram.  One inspector dock follows the
current tab: pointing at the audio (throttled) or clicking a segment
inspects that window; when a classification arrives, its most confident
segment is inspected so the dock never sits empty.  While recording, `LiveClasses`
shows the classes heard on the recording monitor and puts them in the take, with
the chosen classifier: the last one picked in Models > Classify With or trained
from labels (its classification applied), else the zoo's default.

GUI thread only.  Built once by the MainWindow; owns the per-document views
it adds (they live as long as their DocumentView).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget

from workbench.core.analysis.results import Classification
from workbench.core.document.document import Document
from workbench.ml.errors import ModelLoadError
from workbench.runtime.classifier_inspection import ClassifierInspectionService
from workbench.ui.models.classifier.class_segment_actions import ClassSegmentActions
from workbench.ui.models.classifier.class_timeline import ClassTimeline
from workbench.ui.models.classifier.classifier_inspector import ClassifierInspector
from workbench.ui.models.classifier.live_classes import LiveClasses
from workbench.ui.models.classifier.saliency_overlay import SaliencyOverlay
from workbench.ui.models.classifier.train_dialog import TrainClassifierDialog

POINTER_DELAY_MS = 120  # inspect where the pointer rests, not every pixel it crosses
DOCK_HEIGHT = 230


class ClassifierUi(QObject):
    """The classifier's part of `window` (a MainWindow)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.service = ClassifierInspectionService(window.runner, window.model_jobs, self)
        self.inspector = ClassifierInspector()
        self.dock = QDockWidget("Classifier inspector", window)
        self.dock.setObjectName("classifier-inspector")
        self.dock.setWidget(self.inspector)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        # Hidden until there is something to inspect: empty plots would take a third
        # of the window from the timeline.  View > Classifier Inspector shows it.
        self.dock.hide()
        self.dock.toggleViewAction().setText("Classifier &Inspector")
        window.view_menu.addAction(self.dock.toggleViewAction())
        # view -> parts; the parts refer to their view, so entries are
        # dropped when the window closes the document, not by weak references.
        self._parts: dict = {}
        window.document_closed.connect(self._on_window_document_closed)
        self._pending_time: float | None = None
        self._last_time: float | None = None
        self._pointer_timer = QTimer(self)
        self._pointer_timer.setSingleShot(True)
        self._pointer_timer.setInterval(POINTER_DELAY_MS)
        self._pointer_timer.timeout.connect(self._on_pointer_timer_timeout)
        window.loader.loaded.connect(self._on_loader_loaded)
        window.tabs.currentChanged.connect(self._on_tabs_current_changed)
        window.model_jobs.result_applied.connect(self._on_model_jobs_result_applied)
        self.service.inspected.connect(self._on_service_inspected)
        self.service.failed.connect(self._on_service_failed)
        self.inspector.label_changed.connect(self._on_inspector_label_changed)
        self.inspector.overlay_toggled.connect(self._on_inspector_overlay_toggled)
        self.segments_menu = window.models_menu.addMenu("Class &Segments")
        self.segments_menu.aboutToShow.connect(self._on_segments_menu_about_to_show)
        self.classify_with_menu = window.models_menu.addMenu("Classify &With")
        self.classify_with_menu.aboutToShow.connect(self._on_classify_with_menu_about_to_show)
        self.train_action = window.models_menu.addAction("Train Classifier from &Labels…")
        self.train_action.triggered.connect(self.train_dialog)
        self.train_dialogs: dict[Document, TrainClassifierDialog] = {}
        self.chosen_model: str | None = None  # None: the zoo's default classifier
        self.live: LiveClasses | None = None  # once the recorder exists (add_live_classes)

    def add_live_classes(self) -> LiveClasses:
        """Classify while recording (called once the window's transport exists)."""
        self.live = LiveClasses(self.window, self.live_model)
        return self.live

    # -- per document ---------------------------------------------------------------
    def timeline_for(self, document: Document) -> ClassTimeline | None:
        entry = next((e for e in self.window.open_documents if e.document is document), None)
        parts = self._parts.get(entry.view) if entry else None
        return parts[0] if parts else None

    def actions_for(self, document: Document) -> ClassSegmentActions | None:
        entry = next((e for e in self.window.open_documents if e.document is document), None)
        parts = self._parts.get(entry.view) if entry else None
        return parts[1] if parts else None

    def _on_loader_loaded(self, document: Document) -> None:
        entry = next((e for e in self.window.open_documents if e.document is document), None)
        if entry is None:
            return
        timeline = ClassTimeline(document, entry.view)
        actions = ClassSegmentActions(timeline, self.window.model_jobs, self.window)
        actions.exported.connect(lambda path: self.window.statusBar().showMessage(
            f"Exported segments to {path}", 8000))
        actions.export_failed.connect(
            lambda exc: self.window.errors.report("Cannot export segments", exc))
        overlay = SaliencyOverlay(entry.view.spectrogram)
        self._parts[entry.view] = (timeline, actions, overlay)
        timeline.segment_clicked.connect(
            lambda segment: self.inspect((segment.start + segment.end) / 2))
        entry.view.pointer_moved.connect(self._on_view_pointer_moved)

    # -- inspecting -------------------------------------------------------------------
    def inspect(self, time_s: float) -> None:
        """Inspect the current document's window centred on ``time_s`` (shows the dock)."""
        entry = self.window.current_entry()
        if entry is None:
            return
        self.show_dock()
        self._last_time = time_s
        self.service.inspect(entry.document, time_s, self.inspector.chosen_label)

    def show_dock(self) -> None:
        if not self.dock.isVisible():
            self.dock.show()
            # Leave most of the height to the timeline: the plots read fine small.
            self.window.resizeDocks([self.dock], [DOCK_HEIGHT], Qt.Orientation.Vertical)

    def _on_view_pointer_moved(self, info: dict) -> None:
        if self.inspector.follow_box.isChecked() and self.dock.isVisible():
            self._pending_time = info["time"]
            self._pointer_timer.start()

    def _on_pointer_timer_timeout(self) -> None:
        if self._pending_time is not None:
            self.inspect(self._pending_time)

    def _on_model_jobs_result_applied(self, job, result) -> None:
        if not isinstance(result, Classification) or not result.segments:
            return
        if job.model:  # Classify With, or a model just trained from labels
            self.chosen_model = job.model
        self.inspector.set_labels(result.labels)
        if self.window.current_entry() and job.document is self.window.current_entry().document:
            best = max(result.segments, key=lambda s: (s.confidence * (s.end - s.start)))
            self.inspect((best.start + best.end) / 2)

    def _on_service_inspected(self, inspection) -> None:
        self.inspector.show_inspection(inspection, self._class_row_at(inspection))
        overlay = self._current_overlay()
        if overlay is not None and self.inspector.overlay_box.isChecked():
            overlay.show(inspection, self.window.current_entry().document.sample_rate)

    def _class_row_at(self, inspection) -> tuple[float, np.ndarray] | None:
        """(start, probabilities) of the class row's window nearest the inspected one."""
        entry = self.window.current_entry()
        result = entry.document.analyses.get("classify") if entry else None
        if not isinstance(result, Classification) or result.labels != inspection.labels:
            return None
        index = result.window_nearest(inspection.start_s + inspection.window_s / 2)
        if index is None:
            return None
        return float(result.window_starts[index]), result.probabilities[index]

    def _on_service_failed(self, error) -> None:
        self.window.statusBar().showMessage(f"Cannot inspect the classifier: {error}", 8000)

    def _on_inspector_label_changed(self, _label) -> None:
        if self._last_time is not None:
            self.inspect(self._last_time)

    def _on_inspector_overlay_toggled(self, on: bool) -> None:
        overlay = self._current_overlay()
        if overlay is None:
            return
        if on and self.inspector.inspection is not None:
            overlay.show(self.inspector.inspection,
                         self.window.current_entry().document.sample_rate)
        elif not on:
            overlay.clear()

    def _current_overlay(self) -> SaliencyOverlay | None:
        entry = self.window.current_entry()
        parts = self._parts.get(entry.view) if entry else None
        return parts[2] if parts else None

    def _on_tabs_current_changed(self, _index: int) -> None:
        entry = self.window.current_entry()
        result = entry.document.analyses.get("classify") if entry else None
        if isinstance(result, Classification):
            self.inspector.set_labels(result.labels)

    def _on_segments_menu_about_to_show(self) -> None:
        self.segments_menu.clear()
        entry = self.window.current_entry()
        actions = self.actions_for(entry.document) if entry else None
        if actions is None or actions.timeline.result is None:
            self.segments_menu.addAction("Classify a recording first").setEnabled(False)
            return
        actions.populate(self.segments_menu)

    def _on_window_document_closed(self, entry) -> None:
        self._parts.pop(entry.view, None)
        dialog = self.train_dialogs.pop(entry.document, None)
        if dialog is not None:
            dialog.reject()
            dialog.deleteLater()

    # -- your own classes ---------------------------------------------------------------
    def train_dialog(self) -> TrainClassifierDialog | None:
        """Show the current document's "Train Classifier from Labels" dialog."""
        entry = self.window.current_entry()
        if entry is None:
            self.window.statusBar().showMessage("Open a file and label it first", 5000)
            return None
        dialog = self.train_dialogs.get(entry.document)
        if dialog is None:
            dialog = TrainClassifierDialog(self.window, entry.document)
            self.train_dialogs[entry.document] = dialog
        dialog.show()
        dialog.raise_()
        return dialog

    def classifier_names(self) -> list[str]:
        """The zoo's usable sound-class models, shipped first."""
        return self.window.model_jobs.zoo.usable_names("audio-classification")

    def live_model(self) -> str | None:
        """The classifier for live classes: the chosen one while the zoo still offers it,
        else None (the zoo's default)."""
        try:
            names = self.classifier_names()
        except ModelLoadError:  # an unreadable manifest: the live job says why
            return None
        return self.chosen_model if self.chosen_model in names else None

    def classify_with(self, name: str):
        """Classify the current selection (or whole file) with zoo model ``name``; it
        becomes the chosen classifier (live classes use it too)."""
        self.chosen_model = name
        return self.window.models_menu.submit_on_selection("classify", model=name)

    def _on_classify_with_menu_about_to_show(self) -> None:
        self.classify_with_menu.clear()
        try:
            names = self.classifier_names()
        except ModelLoadError as exc:  # an unreadable manifest: said in the menu, not raised
            self.classify_with_menu.addAction(f"Model folder unreadable: {exc}").setEnabled(False)
            return
        for name in names:
            action = self.classify_with_menu.addAction(name)
            action.triggered.connect(lambda _=False, n=name: self.classify_with(n))
        if not names:
            self.classify_with_menu.addAction("No classifier in the zoo").setEnabled(False)

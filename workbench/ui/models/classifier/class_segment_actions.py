"""What can be done with classified segments: choose a class, transcribe or enhance those
segments, export segments as CSV, JSON or Audacity labels.

The actions act on the chosen segments of a `ClassTimeline` (all segments of
one class).  Transcription runs one job per segment (results merge into the
transcript); enhancement runs one job over the segments' span that changes
only the segments (params["regions"]), so its result is reviewed and applied
(or undone) as one.  Transcribe and enhance are offered only when the zoo
holds such a model.

GUI thread only.  The actions submit through the ModelJobService; they own
no jobs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from workbench.core.labels.segment_export import FORMAT_FILTERS, export_segments
from workbench.runtime.job_runner import JobHandle
from workbench.runtime.model_jobs import ModelJobService
from workbench.ui.models.classifier.class_timeline import ClassTimeline

# The zoo card task each job kind needs (as in workbench.ml.model_tasks, which imports torch).
ZOO_TASKS = {"transcribe": "speech-recognition", "enhance": "speech-enhancement"}


class ClassSegmentActions(QObject):
    """Menu and actions over one timeline's segments; `parent_widget` hosts dialogs."""

    exported = Signal(object)  # Path
    export_failed = Signal(object)  # exception

    def __init__(self, timeline: ClassTimeline, model_jobs: ModelJobService,
                 parent_widget: QWidget | None = None) -> None:
        super().__init__(timeline)
        self.timeline, self.model_jobs = timeline, model_jobs
        self._parent_widget = parent_widget
        timeline.context_menu_requested.connect(self._on_timeline_context_menu_requested)

    # -- availability --------------------------------------------------------------
    def has_model(self, kind: str) -> bool:
        """Whether the zoo holds a usable model for ``kind`` (reads only JSON and cards)."""
        try:
            entries = self.model_jobs.zoo.list_models()
        except Exception:  # a missing or broken manifest means: no such model
            return False
        return any(e.usable and e.card and e.card.task == ZOO_TASKS[kind] for e in entries)

    # -- menu ------------------------------------------------------------------------
    def build_menu(self, parent: QWidget | None = None) -> QMenu:
        """A fresh "Classes" menu of the segment actions."""
        menu = QMenu("Classes", parent)
        self.populate(menu)
        return menu

    def populate(self, menu: QMenu) -> None:
        """Add the segment actions (as they stand now) to ``menu``."""
        result = self.timeline.result
        choose = menu.addMenu("Select All Segments of")
        for label in (result.labels if result else ()):
            count = sum(1 for s in result.segments if s.label == label)
            action = choose.addAction(f"{label} ({count})")
            action.setEnabled(count > 0)
            action.triggered.connect(lambda _=False, lab=label: self.timeline.choose_class(lab))
        chosen = len(self.timeline.chosen)
        for kind, text in (("transcribe", "Transcribe"), ("enhance", "Enhance")):
            action = menu.addAction(f"{text} Chosen Segments ({chosen})")
            action.setEnabled(chosen > 0 and self.has_model(kind))
            if not self.has_model(kind):
                action.setToolTip(f"No {kind} model is installed")
            action.triggered.connect(lambda _=False, k=kind: self.run_on_chosen(k))
        menu.addSeparator()
        menu.addAction("Export Segments…").triggered.connect(lambda: self.export_dialog(False))
        chosen_export = menu.addAction("Export Chosen Segments…")
        chosen_export.setEnabled(chosen > 0)
        chosen_export.triggered.connect(lambda: self.export_dialog(True))

    def _on_timeline_context_menu_requested(self, screen_pos) -> None:
        self.build_menu(self._parent_widget).exec(screen_pos)

    # -- model jobs --------------------------------------------------------------------
    def run_on_chosen(self, kind: str) -> list[JobHandle]:
        """Transcribe or enhance the chosen segments; returns the jobs submitted now."""
        segments = sorted(self.timeline.chosen, key=lambda s: s.start)
        if not segments:
            return []
        doc = self.timeline.document
        if kind == "transcribe":
            return [self.model_jobs.submit(kind, doc, (s.start, s.end)) for s in segments]
        regions = [(s.start, s.end) for s in segments]
        span = (segments[0].start, max(s.end for s in segments))
        return [self.model_jobs.submit("enhance", doc, span, params={"regions": regions})]

    # -- export ----------------------------------------------------------------------
    def export(self, path: str | Path, chosen_only: bool = False) -> Path:
        """Write all (or the chosen) segments to ``path``; the extension picks the format."""
        result = self.timeline.result
        if result is None:
            raise ValueError("nothing is classified yet")
        doc = self.timeline.document
        segments = self.timeline.chosen if chosen_only else result.segments
        file = str(doc.path) if doc.path else doc.title
        written = export_segments(path, result, segments, file, doc.duration,
                                  getattr(doc.info, "warnings", ()))
        self.exported.emit(written)
        return written

    def export_dialog(self, chosen_only: bool) -> None:
        name, _ = QFileDialog.getSaveFileName(self._parent_widget, "Export Segments",
                                              "segments.csv", FORMAT_FILTERS)
        if not name:
            return
        try:
            self.export(name, chosen_only)
        except (OSError, ValueError) as exc:
            self.export_failed.emit(exc)

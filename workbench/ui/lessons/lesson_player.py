"""Plays a lesson on the main window: applies each step to the real views, undoes it at the end.

What a step shows comes from core.lessons.step_state (settings accumulate, so Back
is exact).  The player remembers, the first time it touches them, each view's
visible range and spectrogram settings and every dock's visibility, and puts them
back when the lesson ends.  Edits and applied model results stay: they are the
user's, on the document's undo history; an enhancement still under review that
appeared during the lesson is discarded (it was never applied), and an enhance
job the lesson started that is still running is cancelled.

GUI thread only.  `window` is the MainWindow; the player uses its loader,
model job service, classifier UI, tabs and docks.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDockWidget

from workbench.core.lessons.bundled import DEMO_AUDIO
from workbench.core.lessons.directives import PANELS
from workbench.core.lessons.lesson import Lesson
from workbench.core.lessons.step_state import StepState, state_at
from workbench.ui.lessons.region_highlight import RegionHighlight
from workbench.ui.lessons.unit_chooser import choose_unit, restore_choice, row_choice
from workbench.ui.lessons.widget_highlight import WidgetHighlight
from workbench.ui.timeline.document_view import DocumentView

MESSAGE_MS = 8000


class LessonPlayer(QObject):
    """Steps through one lesson at a time.  Emits `step_shown(index)` after each step is
    applied (a step that opens audio: once the audio has loaded) and `ended` when the
    lesson's changes are undone."""

    step_shown = Signal(int)
    ended = Signal()

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.lesson: Lesson | None = None
        self.index = 0
        self.view: DocumentView | None = None  # the view the lesson works on
        self.highlight: RegionHighlight | None = None
        self.pointer: WidgetHighlight | None = None  # the step's `point` frames
        self._saved_views: dict[DocumentView, tuple[tuple[float, float], object]] = {}
        self._saved_panels: dict[str, bool] = {}
        self._saved_docks: dict[QDockWidget, bool] = {}  # every dock but the lesson's
        self._touched_panels: set[str] = set()  # panels a step has shown or hidden
        self._review_at_start = None  # the enhancer review open when the lesson began
        self._enhance_jobs: list = []  # handles of the enhance jobs the lesson started
        self._done: set[tuple[int, str]] = set()  # (step, action) already carried out
        self._waiting_for: Path | None = None  # audio being opened for the current step
        self._pending_inspect: float | None = None
        self._pending_unit = None  # a `unit` directive waiting for the hidden states
        self._saved_units: dict = {}  # HiddenStateRow -> what it showed before the lesson
        window.loader.loaded.connect(self._on_loader_loaded)
        window.loader.failed.connect(self._on_loader_failed)
        window.document_closed.connect(self._on_window_document_closed)
        window.model_jobs.result_applied.connect(self._on_model_jobs_result_applied)
        # A model row the step points at appears when its result arrives: frame it then.
        # (Connected after the model rooms' own slots, so the rows exist by then.)
        window.model_jobs.result_for_review.connect(lambda *_a: self._refresh_pointer())
        window.recognizer_ui.inspection.computed.connect(lambda *_a: self._refresh_pointer())
        window.enhancer_ui.inspection.computed.connect(lambda *_a: self._refresh_pointer())
        window.recognizer_ui.inspection.states_computed.connect(self._on_states_computed)

    # -- navigation --------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.lesson is not None

    @property
    def waiting(self) -> bool:
        """True while the current step waits for its audio to load."""
        return self._waiting_for is not None

    def start(self, lesson: Lesson) -> None:
        """Start `lesson` at its first step (ending a running one first)."""
        if self.running:
            self.end()
        self.lesson, self._done = lesson, set()
        self._saved_panels = {name: dock.isVisible() for name in PANELS
                              if (dock := self._dock(name)) is not None}
        self._saved_docks = {dock: dock.isVisible()
                             for dock in self.window.findChildren(QDockWidget)
                             if dock.objectName() != "lesson"}
        self._touched_panels = set()
        self._review_at_start = self.window.enhancer_ui.review
        self._enhance_jobs = []
        entry = self.window.current_entry()
        self.view = entry.view if entry else None
        self.go(0)

    def go(self, index: int) -> None:
        if not self.running:
            return
        self.index = max(0, min(index, len(self.lesson.steps) - 1))
        self._pending_inspect = self._pending_unit = None
        self._enter_step()

    def next(self) -> None:
        self.go(self.index + 1)

    def back(self) -> None:
        self.go(self.index - 1)

    def end(self) -> None:
        """End the lesson: views, settings and panels go back to what they were."""
        if not self.running:
            return
        self._clear_highlight()
        sets_colormap = any(d.key == "colormap" for step in self.lesson.steps
                            for d in step.directives)
        for view, (visible, settings) in self._saved_views.items():
            if not sets_colormap:  # a lesson touches the colour map only if it names one
                settings = replace(settings, colormap=view.spectrogram.settings.colormap)
            view.spectrogram.set_settings(settings)
            view.set_visible_range(*visible)
        self._undo_enhancement()
        for row, choice in self._saved_units.items():
            restore_choice(row, choice)
        self._saved_units.clear()
        for dock, shown in self._saved_docks.items():
            dock.setVisible(shown)  # also those a model result showed (transcript, review)
        self._saved_views.clear()
        self._saved_docks.clear()
        self.lesson, self.view, self._waiting_for, self._pending_inspect = None, None, None, None
        self._pending_unit = None
        self.ended.emit()

    # -- one step ----------------------------------------------------------------
    def _enter_step(self) -> None:
        step = self.lesson.steps[self.index]
        source = step.get("open")
        if source is not None and (self.index, "open") not in self._done:
            self._done.add((self.index, "open"))
            if not self._open(source):
                return  # the step goes on once the audio has loaded
        self._apply_state()
        self._run_actions()
        self.step_shown.emit(self.index)

    def _open(self, source) -> bool:
        """Make `source` the lesson's document; False while it is still loading."""
        entry = self.window.current_entry()
        if source == "current" and entry is not None:
            self.view = entry.view
            return True
        path = DEMO_AUDIO if source in ("demo", "current") else Path(source)
        opened = next((e for e in self.window.open_documents if e.document.path
                       and Path(e.document.path).resolve() == path.resolve()), None)
        if opened is not None:
            self.window.tabs.setCurrentWidget(opened.view)
            self.view = opened.view
            return True
        self._waiting_for = path.resolve()
        if not self._being_opened(path):  # the demo the app opens at start may still load
            self.window.open_paths([path])
        return False

    def _apply_state(self) -> None:
        state = state_at(self.lesson, self.index)
        self._apply_panels(state)
        self._clear_highlight()
        if state.point:
            self.pointer = WidgetHighlight(self.window, self._timeline_rows(), state.point)
        if self.view is None:
            on_timeline = {"spectrogram", "waveforms"}.intersection(state.point)
            if state.spectrogram or state.view or state.highlight or on_timeline:
                self._say("Open a recording to see this step on the timeline")
            return
        view = self.view
        if view not in self._saved_views:
            self._saved_views[view] = (view.visible_range(), view.spectrogram.settings)
        saved_range, saved_settings = self._saved_views[view]
        settings = replace(saved_settings, **state.spectrogram)
        if "colormap" not in state.spectrogram:  # presenter mode may have chosen one
            settings = replace(settings, colormap=view.spectrogram.settings.colormap)
        if settings != view.spectrogram.settings:
            view.spectrogram.set_settings(settings)
        if state.view == "all":
            view.fit()
        else:
            view.set_visible_range(*(state.view or saved_range))
        if state.highlight is not None:
            self.highlight = RegionHighlight(view, state.highlight)

    def _apply_panels(self, state: StepState) -> None:
        for name, saved in self._saved_panels.items():
            # A panel no step so far named is left as it is: a model result may have
            # shown it (the transcript, the enhancer's review).
            if name not in state.panels and name not in self._touched_panels:
                continue
            self._touched_panels.add(name)
            dock = self._dock(name)
            shown = state.panels.get(name, saved)
            if dock is None or dock.isVisible() == shown:
                continue
            if shown and name == "classifier-inspector":
                self.window.classifier_ui.show_dock()  # at the height it chooses for itself
            else:
                dock.setVisible(shown)

    def _run_actions(self) -> None:
        step = self.lesson.steps[self.index]
        kind = step.get("run")
        document = self._document()
        if kind is not None and (self.index, "run") not in self._done and document is not None:
            self._done.add((self.index, "run"))
            handle = self.window.model_jobs.submit(kind, document)  # the whole file
            if kind == "enhance":
                self._enhance_jobs.append(handle)
            self._say(f"The lesson started: {kind}")
        time_s = step.get("inspect")
        if time_s is not None:
            self._inspect(time_s)
        unit = step.get("unit")
        if unit is not None:
            self._pending_unit = unit
            self._show_unit()

    def _show_unit(self) -> None:
        """Carry out a pending `unit` directive once the hidden states are there."""
        document = self._document()
        row = self.window.recognizer_ui.state_row_for(document) if document else None
        if self._pending_unit is None or row is None or row.states is None:
            return
        spec, self._pending_unit = self._pending_unit, None
        self._saved_units.setdefault(row, row_choice(row))
        self._say(choose_unit(row, document, spec))

    def _inspect(self, time_s: float) -> None:
        document = self._document()
        if document is None:
            return
        if "classify" in document.analyses:
            self.window.classifier_ui.inspect(time_s)
        elif self._classify_running(document):
            self._pending_inspect = time_s  # once the classification arrives
        else:
            self._say("Nothing is classified yet: run Models > Classify Sounds first")

    def _undo_enhancement(self) -> None:
        """Cancel the lesson's enhance jobs still running and discard a review it left."""
        for handle in self._enhance_jobs:
            if handle is not None and not handle.done:
                handle.cancel()
        self._enhance_jobs = []
        enhancer = self.window.enhancer_ui
        if enhancer.review is not None and enhancer.review is not self._review_at_start:
            enhancer.discard()
        self._review_at_start = None

    def _timeline_rows(self) -> dict[str, list]:
        """The lesson view's timeline rows by `point` name (model rows once they show)."""
        view = self.view
        if view is None:
            return {}
        rows = {"spectrogram": [view.spectrogram], "waveforms": list(view.waveforms)}
        gram = self.window.recognizer_ui.row_for(view.document)
        if gram is not None and gram.gram is not None:
            rows["posteriorgram"] = [gram]
        states = self.window.recognizer_ui.state_row_for(view.document)
        if states is not None and states.states is not None:
            rows["hidden-state"] = [states]
            if states.unit is not None:
                rows["unit-activation"] = [states.unit_row]
        review_rows = self.window.enhancer_ui.rows
        if review_rows is not None and review_rows.view is view:
            rows["enhancer-rows"] = list(review_rows.plots.values())
        insight = self.window.enhancer_ui.insight_rows
        if insight is not None and insight.view is view and insight.insight is not None:
            rows["enhancer-mask"], rows["enhancer-state"] = [insight.mask_plot], \
                [insight.state_plot]
        return rows

    def _refresh_pointer(self) -> None:
        """Frame the step's targets again (a model row it points at may have appeared)."""
        if not self.running or self._waiting_for is not None:
            return
        point = state_at(self.lesson, self.index).point
        if not point:
            return
        if self.pointer is not None:
            self.pointer.remove()
        self.pointer = WidgetHighlight(self.window, self._timeline_rows(), point)

    # -- helpers -------------------------------------------------------------------
    def _document(self):
        return self.view.document if self.view is not None else None

    def _being_opened(self, path: Path) -> bool:
        return any(h.request.kind == "open" and Path(h.request.target).resolve() ==
                   path.resolve() for h in self.window.runner.live_jobs)

    def _classify_running(self, document) -> bool:
        jobs = (self.window.model_jobs.job_for(h) for h in self.window.runner.live_jobs)
        return any(j is not None and j.kind == "classify" and j.document is document
                   for j in jobs)

    def _dock(self, name: str) -> QDockWidget | None:
        return self.window.findChild(QDockWidget, name)

    def _clear_highlight(self) -> None:
        """Take away the step's highlight and pointer."""
        if self.highlight is not None:
            self.highlight.remove()
            self.highlight = None
        if self.pointer is not None:
            self.pointer.remove()
            self.pointer = None

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, MESSAGE_MS)

    # -- window events ---------------------------------------------------------------
    def _on_loader_loaded(self, document) -> None:
        if self._waiting_for is None or document.path is None:
            return
        if Path(document.path).resolve() != self._waiting_for:
            return
        self._waiting_for = None
        entry = next((e for e in self.window.open_documents if e.document is document), None)
        if entry is not None and self.running:
            self.view = entry.view
            self._enter_step()

    def _on_loader_failed(self, path, _error) -> None:
        if self._waiting_for is not None and Path(path).resolve() == self._waiting_for:
            self._waiting_for = None
            self._enter_step()  # the rest of the step, on whatever is open

    def _on_window_document_closed(self, entry) -> None:
        self._saved_views.pop(entry.view, None)
        for row in [r for r in self._saved_units if r.view is entry.view]:
            del self._saved_units[row]  # the row goes with its view
        if entry.view is self.view:
            self._clear_highlight()
            self.view = None

    def _on_states_computed(self, document, _states) -> None:
        if self.running and document is self._document():
            self._show_unit()
            self._refresh_pointer()

    def _on_model_jobs_result_applied(self, job, _result) -> None:
        self._refresh_pointer()
        if (self._pending_inspect is not None and job.kind == "classify"
                and job.document is self._document()):
            time_s, self._pending_inspect = self._pending_inspect, None
            self.window.classifier_ui.inspect(time_s)

"""Wires the speech enhancer's review into the main window.

An enhance job (file or selection) no longer replaces the audio when it
finishes: ModelJobService hands it over (`result_for_review`, "enhance" is
in its `review_kinds`) and it is shown as three spectrogram rows (original,
enhanced, residual) on the document's timeline, with the EnhancerPanel in a
dock.  The mask the model predicted and its GRU state are computed after the
result as a quiet model-lane job (runtime/enhancer_inspection.py) and drawn in two
more rows (`EnhancerInsightRows`); SQUIM's reference-free STOI/PESQ/SI-SDR of the
original and the enhanced audio follow the same way when its weights are installed
(else the panel says how to install them).  B (or the panel's switch) changes what the player plays under the
playhead; the dry/wet control re-mixes at once, a new attenuation limit
re-runs the model on the GPU lane; Apply replaces the span as one undoable
command with the strength being heard, Discard drops the result.

GUI thread only.  Built once by the MainWindow after its AudioTransport (it
uses `window.player`); owns the review, its rows and the dock.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget

from workbench.ml.enhancer.pretrained_names import PRETRAINED_ENHANCERS
from workbench.runtime.enhancer_inspection import EnhancerInspectionService, squim_info
from workbench.runtime.model_jobs import ModelJob
from workbench.ui.models.enhancer.enhance_with_menu import EnhanceWithMenu
from workbench.ui.models.enhancer.enhancer_panel import EnhancerPanel
from workbench.ui.models.enhancer.enhancer_review import SOURCES, EnhancerReview
from workbench.ui.models.enhancer.enhancer_rows import EnhancerRows
from workbench.ui.models.enhancer.insight_rows import EnhancerInsightRows

RERUN_DELAY_MS = 300  # a spin box held down re-runs the model once, not per step
SWITCH_KEY = "B"


class EnhancerUi(QObject):
    """The enhancer's part of `window` (a MainWindow); see the module docstring."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.model_jobs = window.model_jobs
        self.model_jobs.review_kinds.add("enhance")
        self.review: EnhancerReview | None = None
        self.rows: EnhancerRows | None = None
        self.insight_rows: EnhancerInsightRows | None = None
        self.inspection = EnhancerInspectionService(window.runner, self.model_jobs, self)
        self.inspection.computed.connect(self._on_inspection_computed)
        self.inspection.scored.connect(self._on_inspection_scored)
        self.inspection.failed.connect(self._on_inspection_failed)
        self._squim_before = None  # the original's SQUIM scores, once known
        self.heard = "original"
        self._rerun_handle = None
        self.panel = EnhancerPanel()
        self.dock = QDockWidget("Enhancer result", window)
        self.dock.setObjectName("enhancer-result")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.enhance_with_menu = EnhanceWithMenu(window)
        window.models_menu.addMenu(self.enhance_with_menu)
        self.switch_action = QAction("Switch Original/Enhanced/Residual", window)
        self.switch_action.setShortcut(QKeySequence(SWITCH_KEY))
        self.switch_action.setEnabled(False)
        self.switch_action.triggered.connect(self.switch_source)
        window.addAction(self.switch_action)
        self._rerun_timer = QTimer(self)
        self._rerun_timer.setSingleShot(True)
        self._rerun_timer.setInterval(RERUN_DELAY_MS)
        self._rerun_timer.timeout.connect(self._on_rerun_timer_timeout)
        self.model_jobs.result_for_review.connect(self._on_model_jobs_result_for_review)
        self.model_jobs.result_stale.connect(self._on_model_jobs_result_stale)
        self.panel.source_chosen.connect(self.hear)
        self.panel.wet_changed.connect(self._on_panel_wet_changed)
        self.panel.attenuation_changed.connect(lambda _v: self._rerun_timer.start())
        self.panel.apply_requested.connect(self.apply)
        self.panel.discard_requested.connect(self.discard)
        window.document_closed.connect(self._on_window_document_closed)
        window.tabs.currentChanged.connect(lambda _i: self.hear("original"))

    # -- a result arrives ----------------------------------------------------------
    def _on_model_jobs_result_for_review(self, job: ModelJob, result) -> None:
        if job.kind != "enhance":
            return
        if self.review is not None and job.handle is self._rerun_handle:
            self._rerun_handle = None
            self.review.job = job
            self.review.set_raw(result)
            self.panel.set_busy(False)
            return
        self.start_review(job, result)

    def _on_model_jobs_result_stale(self, job: ModelJob, _result) -> None:
        if self._rerun_handle is not None and job.handle is self._rerun_handle:
            self._rerun_handle = None  # the audio changed meanwhile; the offer comes by itself
            self.panel.set_busy(False)

    def start_review(self, job: ModelJob, result) -> None:
        """Show `result` of `job` for review (a review already open is discarded)."""
        self.discard()
        entry = next((e for e in self.window.open_documents if e.document is job.document),
                     None)
        if entry is None:
            return
        limit = job.params.get("attenuation_limit_db")
        self.panel.limit_box.blockSignals(True)
        self.panel.limit_box.setValue(int(limit) if limit else 0)
        self.panel.limit_box.blockSignals(False)
        self.review = EnhancerReview(job, result, self.panel.wet_slider.value() / 100.0,
                                     limit, self)
        self.review.changed.connect(self._on_review_changed)
        self.rows = EnhancerRows(entry.view, self.review, self.window.runner)
        self.insight_rows = EnhancerInsightRows(entry.view)
        if result.model not in PRETRAINED_ENHANCERS:  # a separator has no mask or GRU to show
            channel = entry.view.spectrogram.settings.channel or 0
            self.inspection.compute(job.document, job.start, job.stop, result.model, channel)
        self._squim_before = None
        self.score_with_squim()
        self.panel.title.setText(f"Enhanced {job.target} ({result.model})")
        self.panel.show_scores(self.review.scores)
        self.panel.set_busy(False)
        self.switch_action.setEnabled(True)
        self.dock.show()
        self.heard = "original"
        self.panel.show_source("original")

    def _on_inspection_computed(self, document, insight) -> None:
        if self.review is not None and document is self.review.document:
            self.insight_rows.show_insight(insight)

    def _on_inspection_failed(self, _document, error) -> None:
        self.window.statusBar().showMessage(
            f"Cannot look inside the enhancer or score its result: {error}", 8000)

    def score_with_squim(self) -> None:
        """SQUIM scores of the review as heard now (or how to install SQUIM)."""
        info = squim_info()
        if not info.cached:
            self.panel.show_squim_missing(info.cache_path)
            return
        review = self.review
        self.panel.show_squim_busy()
        self.inspection.score(review.document, review.version("original"),
                              review.version("enhanced"),
                              review.sample_rate, self._squim_before)

    def _on_inspection_scored(self, document, before, after) -> None:
        if self.review is not None and document is self.review.document:
            self._squim_before = before
            self.panel.show_squim(before, after)

    # -- listening ---------------------------------------------------------------------
    def hear(self, source: str) -> None:
        """Play `source` ("original", "enhanced", "residual") from here on, without stopping."""
        if self.review is None:
            source = "original"
        self.heard = source
        current = self.window.current_entry()
        on_screen = (self.review is not None and current is not None
                     and current.document is self.review.document)
        tracks = self.review.playback_tracks(source) if on_screen else None
        self.window.player.set_source_override(tracks)
        if self.rows is not None:
            self.rows.show_heard(source)
        self.panel.show_source(source)

    def switch_source(self) -> None:
        """The B key: original -> enhanced -> residual -> original."""
        self.hear(SOURCES[(SOURCES.index(self.heard) + 1) % len(SOURCES)])

    # -- strength ------------------------------------------------------------------------
    def _on_panel_wet_changed(self, wet: float) -> None:
        if self.review is not None:
            self.review.set_wet(wet)

    def _on_review_changed(self) -> None:
        self.panel.show_scores(self.review.scores)
        self.score_with_squim()
        if self.heard != "original":
            self.hear(self.heard)  # the new mix is heard from the next chunk on

    def _on_rerun_timer_timeout(self) -> None:
        if self.review is None:
            return
        if self._rerun_handle is not None:
            self._rerun_handle.cancel()
        value = self.panel.limit_box.value()
        limit = float(value) if value else None
        job = self.review.job
        params = {k: v for k, v in job.params.items()
                  if k not in ("attenuation_limit_db", "wet")}
        if limit is not None:
            params["attenuation_limit_db"] = limit
        self.review.attenuation_limit_db = limit
        rate = job.document.sample_rate
        span = None if job.whole_file else (job.start / rate, job.stop / rate)
        handle = self.model_jobs.submit("enhance", job.document, span, job.model, params)
        self._rerun_handle = handle
        handle.ended.connect(lambda _h, h=handle: self._on_rerun_ended(h))
        self.panel.set_busy(True)

    def _on_rerun_ended(self, handle) -> None:
        # The handle ends before the service hears it finished: a finished re-run
        # arrives by result_for_review (or result_stale) next.
        if handle is self._rerun_handle and handle.state != "finished":
            self._rerun_handle = None  # cancelled or failed: the last result stays
            self.panel.set_busy(False)

    # -- deciding ---------------------------------------------------------------------------
    def apply(self) -> bool:
        """Replace the span by the enhanced audio being heard (one undoable command)."""
        if self.review is None or self._rerun_handle is not None:
            return False
        review = self.review
        self.discard()
        return self.model_jobs.apply_result(review.job, review.output())

    def discard(self) -> None:
        """Drop the result under review; the document is left as it is."""
        self._rerun_timer.stop()
        if self._rerun_handle is not None:
            self._rerun_handle.cancel()
            self._rerun_handle = None
        if self.review is None:
            return
        self.review.changed.disconnect(self._on_review_changed)
        self.inspection.forget(self.review.document)
        self.rows.remove()
        self.insight_rows.remove()
        self.review = self.rows = self.insight_rows = None
        self.hear("original")
        self.switch_action.setEnabled(False)
        self.dock.hide()

    def _on_window_document_closed(self, entry) -> None:
        if self.review is not None and entry.document is self.review.document:
            self.discard()

"""The jobs panel: one row per running or queued job, failures and stale results.

A row shows the job's name, its target (file, selection), the device it runs
on, a progress bar with the time left (estimated from progress over elapsed
time), and a Cancel button.  A failed job keeps its row with the error and a
"Details…" button (the traceback); a model result that arrived for audio that
has changed since keeps a row offering to re-run.  Finished and cancelled
jobs leave.  Spectrogram tiles (many tiny jobs) are not listed.

GUI thread only.  The panel owns its rows; the runner and the model job
service are passed in.
"""

from __future__ import annotations

import time
import traceback

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from workbench.core.jobs import Progress
from workbench.runtime.classifier_inspection import INSPECT_KIND
from workbench.runtime.corpus.embedding_projection import MAP_KIND
from workbench.runtime.enhancer_inspection import INSIGHT_KIND, SQUIM_KIND
from workbench.runtime.job_runner import JobHandle, JobRunner
from workbench.runtime.live_classification import LIVE_CLASSIFY_KIND
from workbench.runtime.live_transcription import LIVE_KIND
from workbench.runtime.model_jobs import ModelJob, ModelJobService
from workbench.runtime.recognizer_inspection import POSTERIORGRAM_KIND, STATES_KIND
from workbench.ui.panels.elided_label import ElidedLabel
from workbench.ui.timeline.spectrogram_view import TILE_JOB_KIND

# View jobs the app runs for its views (following the pointer, drawing a model's insides).
QUIET_KINDS = frozenset({TILE_JOB_KIND, INSPECT_KIND, POSTERIORGRAM_KIND, STATES_KIND,
                         INSIGHT_KIND, SQUIM_KIND, LIVE_KIND, LIVE_CLASSIFY_KIND, MAP_KIND})
# Jobs the app starts by itself for its views; closing the window does not ask about them.
BACKGROUND_KINDS = QUIET_KINDS | {"open", "peaks", "stats"}
_ERROR_STYLE = "color: #e06060;"
_STALE_STYLE = "color: #d0a040;"
_BAR_STEPS = 1000


def time_left(fraction: float | None, elapsed: float) -> float | None:
    """Seconds still to go if the rest runs as fast as the part done (None: unknown)."""
    if fraction is None or fraction <= 0 or elapsed <= 0:
        return None
    return elapsed * (1 - min(fraction, 1.0)) / fraction


def format_time_left(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d} left"


class JobRow(QFrame):
    """One job: name, target, device, progress with time left, and its buttons."""

    dismissed = Signal()

    def __init__(self, handle: JobHandle, device: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.handle = handle
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name_label = ElidedLabel(handle.request.name, bold=True)
        self.target_label = ElidedLabel(handle.request.target, elide=Qt.TextElideMode.ElideLeft)
        self.device_label = QLabel(device)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, _BAR_STEPS)
        self.progress_bar.setTextVisible(True)
        self.status_label = QLabel("queued")
        self.status_label.setWordWrap(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.details_button = QPushButton("Details…")
        self.details_button.clicked.connect(self._on_details_clicked)
        self.rerun_button = QPushButton("Re-run")
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.clicked.connect(self.dismissed)
        for button in (self.details_button, self.rerun_button, self.dismiss_button):
            button.hide()
        self._lay_out()
        self.details_dialog: QMessageBox | None = None

    def _lay_out(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(6, 4, 6, 4)
        # The target (often a path) has a line of its own: beside the name, a
        # narrow dock left it a few letters.
        grid.addWidget(self.name_label, 0, 0, 1, 2)
        grid.addWidget(self.device_label, 0, 2, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.target_label, 1, 0, 1, 3)
        grid.addWidget(self.progress_bar, 2, 0, 1, 2)
        grid.addWidget(self.cancel_button, 2, 2)
        grid.addWidget(self.status_label, 3, 0, 1, 3)
        buttons = QWidget()
        row = QGridLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        for i, button in enumerate((self.details_button, self.rerun_button,
                                    self.dismiss_button)):
            row.addWidget(button, 0, i)
        grid.addWidget(buttons, 4, 0, 1, 3, Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(1, 1)

    # -- what the job reports ---------------------------------------------------------
    def show_started(self) -> None:
        self.status_label.setText("running")

    def show_progress(self, progress: Progress) -> None:
        if progress.fraction is None:
            self.progress_bar.setRange(0, 0)  # busy: the amount of work is not known yet
        else:
            self.progress_bar.setRange(0, _BAR_STEPS)
            self.progress_bar.setValue(round(progress.fraction * _BAR_STEPS))
        started = self.handle.started_at
        elapsed = time.monotonic() - started if started is not None else 0.0
        left = format_time_left(time_left(progress.fraction, elapsed))
        self.status_label.setText("   ".join(t for t in (progress.message, left) if t))

    def show_device(self, device: str, message: str = "") -> None:
        self.device_label.setText(device)
        if message:
            self.status_label.setText(message)

    def show_failure(self, error: BaseException) -> None:
        self._finish_buttons()
        self.status_label.setText(f"Failed: {error}")
        self.status_label.setStyleSheet(_ERROR_STYLE)
        self.details_button.show()

    def show_stale(self) -> None:
        self._finish_buttons()
        self.status_label.setText("Document changed while this ran — result not applied. "
                                  "Re-run?")
        self.status_label.setStyleSheet(_STALE_STYLE)
        self.rerun_button.show()

    def _finish_buttons(self) -> None:
        self.progress_bar.hide()
        self.cancel_button.hide()
        self.dismiss_button.show()

    # -- buttons ------------------------------------------------------------------
    def _on_cancel_clicked(self) -> None:
        self.handle.cancel()
        self.cancel_button.setEnabled(False)
        self.status_label.setText("cancelling…")

    def _on_details_clicked(self) -> None:
        error = self.handle.error
        if error is None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, f"{self.handle.request.name} failed",
                          str(error), QMessageBox.StandardButton.Ok, self)
        box.setDetailedText("".join(traceback.format_exception(type(error), error,
                                                               error.__traceback__)))
        box.open()  # not modal: jobs keep running and tests keep going
        self.details_dialog = box


class JobsPanel(QWidget):
    """Lists the runner's jobs (see module docstring).  `rows` maps handles to rows."""

    def __init__(self, runner: JobRunner, model_jobs: ModelJobService | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: dict[JobHandle, JobRow] = {}
        self._model_jobs = model_jobs
        self._list = QVBoxLayout()
        self._list.setContentsMargins(0, 0, 0, 0)
        self._list.addStretch(1)
        inner = QWidget()
        inner.setLayout(self._list)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        self.empty_label = QLabel("No jobs running.")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.empty_label)
        layout.addWidget(scroll, 1)
        runner.job_submitted.connect(self._on_runner_job_submitted)
        if model_jobs is not None:
            model_jobs.job_submitted.connect(self._on_model_jobs_run_info_changed)
            model_jobs.run_info_changed.connect(self._on_model_jobs_run_info_changed)
            model_jobs.result_stale.connect(self._on_model_jobs_result_stale)

    def _on_runner_job_submitted(self, handle: JobHandle) -> None:
        if handle.request.kind in QUIET_KINDS:
            return
        row = self._add_row(handle, self._device_of(handle))
        handle.started.connect(row.show_started)
        handle.progressed.connect(row.show_progress)
        handle.ended.connect(self._on_handle_ended)

    def _device_of(self, handle: JobHandle) -> str:
        """CPU-pool jobs run on the CPU; GPU-lane jobs where the model setting says
        (model jobs correct it once the worker has chosen)."""
        if handle.request.lane == "cpu":
            return "cpu"
        return self._model_jobs.device_preference if self._model_jobs else "gpu lane"

    def _add_row(self, handle: JobHandle, device: str) -> JobRow:
        row = JobRow(handle, device)
        row.dismissed.connect(lambda: self._remove(handle))
        self._list.insertWidget(self._list.count() - 1, row)
        self.rows[handle] = row
        self.empty_label.hide()
        return row

    def _on_handle_ended(self, handle: JobHandle) -> None:
        row = self.rows.get(handle)
        if row is None:
            return
        if handle.state == "failed":
            row.show_failure(handle.error)
        else:
            self._remove(handle)

    def _on_model_jobs_run_info_changed(self, job: ModelJob) -> None:
        row = self.rows.get(job.handle)
        if row is not None:
            row.show_device(job.device, job.message)

    def _on_model_jobs_result_stale(self, job: ModelJob, _result: object) -> None:
        row = self.rows.get(job.handle) or self._add_row(job.handle, job.device)
        row.show_stale()
        row.rerun_button.clicked.connect(lambda: self._on_rerun_clicked(job))

    def _on_rerun_clicked(self, job: ModelJob) -> None:
        self._remove(job.handle)
        self._model_jobs.rerun(job)

    def _remove(self, handle: JobHandle) -> None:
        row = self.rows.pop(handle, None)
        if row is not None:
            self._list.removeWidget(row)
            row.deleteLater()
        self.empty_label.setVisible(not self.rows)

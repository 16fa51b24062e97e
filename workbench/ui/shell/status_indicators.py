"""Compact status-bar indicators: the jobs in flight and the device models run on.

GUI thread only; both only read the runner / model job service they are given.
"""

from __future__ import annotations

from PySide6.QtWidgets import QToolButton

from workbench.runtime.job_runner import JobRunner
from workbench.runtime.model_jobs import ModelJob, ModelJobService
from workbench.ui.panels.jobs_panel import QUIET_KINDS


class JobsIndicator(QToolButton):
    """"2 jobs · 45%" while jobs run, empty when idle; clicking it shows the jobs panel."""

    def __init__(self, runner: JobRunner, parent=None) -> None:
        super().__init__(parent)
        self.setAutoRaise(True)
        self.setToolTip("Show the jobs panel")
        self._runner = runner
        runner.job_submitted.connect(self._on_runner_job_submitted)
        runner.job_ended.connect(self.refresh)
        self.refresh()

    def _on_runner_job_submitted(self, handle) -> None:
        handle.progressed.connect(self.refresh)
        self.refresh()

    def refresh(self, *_args) -> None:
        jobs = [h for h in self._runner.live_jobs if h.request.kind not in QUIET_KINDS]
        if not jobs:
            self.setText("")
            self.setVisible(False)
            return
        text = f"{len(jobs)} job{'s' if len(jobs) > 1 else ''}"
        running = [h for h in jobs if h.last_progress and h.last_progress.fraction is not None]
        if running:
            text += f" · {running[0].last_progress.fraction:.0%}"
        self.setText(text)
        self.setVisible(True)


class DeviceIndicator(QToolButton):
    """"Models: auto" until a job reports its device, then "Models: cpu" (or cuda:0)."""

    def __init__(self, model_jobs: ModelJobService, parent=None) -> None:
        super().__init__(parent)
        self.setAutoRaise(True)
        self._service = model_jobs
        self._last_device: str | None = None
        model_jobs.run_info_changed.connect(self._on_model_jobs_run_info_changed)
        model_jobs.device_setting_changed.connect(self._on_model_jobs_device_setting_changed)
        self._show()

    def _on_model_jobs_run_info_changed(self, job: ModelJob) -> None:
        self._last_device = job.device
        self._show()

    def _on_model_jobs_device_setting_changed(self, _name: str) -> None:
        self._last_device = None  # the next job will tell which device the new setting means
        self._show()

    def _show(self) -> None:
        preference = self._service.device_preference
        self.setText(f"Models: {self._last_device or preference}")
        tip = f"Device for models: {preference}"
        if self._last_device:
            tip += f"; the last model job ran on {self._last_device}"
        self.setToolTip(tip + ". Click to change it in the model manager.")

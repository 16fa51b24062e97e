"""Looking inside the classifier for one window, off the GUI thread.

`ClassifierInspectionService.inspect(document, time_s, label)` runs the window
centred on ``time_s`` through the classifier that made the document's
classification (saliency for ``label``, first-layer filters, feature maps) on
the runner's GPU lane, and emits `inspected(WindowInspection)`.  Requests
supersede each other: following the mouse, only the latest one matters, so
a new request cancels the one before and a late result of an older request
is dropped.

Threading and ownership: GUI thread only; the runner owns the worker, the
model cache (shared with the model jobs) owns the loaded model.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QObject, Signal

from workbench.core.analysis.results import Classification
from workbench.core.document.document import Document
from workbench.core.jobs import JobRequest
from workbench.runtime.inspection_jobs import LatestJobs, inspected_model, inspected_samples
from workbench.runtime.job_runner import JobHandle, JobRunner
from workbench.runtime.model_jobs import ModelJobService

INSPECT_KIND = "classifier-inspect"


class ClassifierInspectionService(QObject):
    """Submits window inspections; emits `inspected` or `failed` for the latest one only."""

    inspected = Signal(object)  # WindowInspection
    failed = Signal(object)  # exception

    def __init__(self, runner: JobRunner, model_jobs: ModelJobService,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = model_jobs
        self._latest = LatestJobs(runner, self)

    def inspect(self, document: Document, time_s: float, label: str | None = None
                ) -> JobHandle | None:
        """Inspect the window centred on ``time_s`` (None when nothing is classified yet)."""
        result = document.analyses.get("classify")
        if not isinstance(result, Classification) or document.frames == 0:
            return None
        rate = document.sample_rate
        half = result.window_s / 2
        start_s = min(max(0.0, time_s - half), max(0.0, document.duration - result.window_s))
        start = round(start_s * rate)
        stop = min(document.frames, start + round(result.window_s * rate))
        task = functools.partial(
            _inspect_task, [t.samples for t in document.tracks], rate, start, stop, label,
            self._jobs.zoo, self._jobs.model_cache, result.model, self._jobs.device_flag,
            self._jobs.device_setting)
        request = JobRequest(INSPECT_KIND, "Inspect classifier", lane="gpu",
                             revision=document.revision, target=f"{start_s:.2f} s")
        return self._latest.submit(INSPECT_KIND, request, task, self.inspected.emit,
                                   self.failed.emit)


def _inspect_task(tracks, rate, start, stop, label, zoo, cache, model, device_flag, setting,
                  cancel):
    """The inspection, run on the GPU lane: torch is imported here, on the worker."""
    from workbench.core.jobs import Progress
    from workbench.ml.classifier.inspection import inspect_window

    yield Progress(None, "Inspecting the classifier…")
    provider = inspected_model("classify", zoo, cache, model, device_flag, setting)
    net = provider.model()
    cancel.check()
    samples = inspected_samples(tracks, rate, start, stop, net.config.sample_rate)
    return inspect_window(net, samples, label, start / rate)

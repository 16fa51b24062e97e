"""Live classes of the take being recorded, computed on the live lane while it records.

`LiveClassification.start(rate, model)` submits one job that runs for the whole
take: the GUI thread hands it the recorder's new samples with `feed(first_frame,
frames)` (through a thread-safe queue; the worker never touches the recorder), and
it sends back the windows classified so far as `classes_changed(Classification)`
whenever new windows are in.  `end()` says the take is over: the worker classifies
what is queued, adds the end window as the classify task does and emits
`finished(Classification)`.  Times are seconds from the take's first frame.  A gap
in the frames fed (the recorder's ring overflowed while the GUI stalled) is filled
with silence so later windows keep their times.

Why the live lane and not the model lane: live words hold the model lane (one
thread) for the whole take, so a classifier queued there would only start after
the take.  One job feeding both models would couple the recognizer and classifier
rooms, and a slow recognizer step would delay the classes.  The classifier's own
single-thread lane lets each keep up on its own core; it is cheap (one small CNN
pass per 0.24 s hop), so it does not starve live words on a 2-core machine.

Threading and ownership: GUI thread only; the runner owns the worker thread, the
model cache the loaded model.
"""

from __future__ import annotations

import functools
import queue

import numpy as np
from PySide6.QtCore import QObject, Signal

from workbench.core.jobs import JobRequest
from workbench.runtime.inspection_jobs import inspected_model
from workbench.runtime.job_runner import JobHandle, JobRunner
from workbench.runtime.model_jobs import ModelJobService

LIVE_CLASSIFY_KIND = "live-classify"


class LiveClassification(QObject):
    """One live classification at a time (see module doc)."""

    classes_changed = Signal(object)  # Classification: the windows so far
    finished = Signal(object)  # Classification: the whole take
    failed = Signal(object)  # exception

    def __init__(self, runner: JobRunner, model_jobs: ModelJobService,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._jobs = runner, model_jobs
        self._handle: JobHandle | None = None
        self._blocks: queue.SimpleQueue | None = None
        self.frames_fed = 0  # take frames handed to the worker

    def is_running(self) -> bool:
        return self._handle is not None and not self._handle.done

    def start(self, sample_rate: int, model: str | None = None) -> JobHandle:
        """Begin classifying a take recorded at `sample_rate` (cancels one running);
        `model` None: the zoo's default classifier."""
        self.cancel()
        self._blocks, self.frames_fed = queue.SimpleQueue(), 0
        task = functools.partial(_live_task, self._blocks, sample_rate, self._jobs.zoo,
                                 self._jobs.model_cache, model, self._jobs.device_flag,
                                 self._jobs.device_setting)
        request = JobRequest(LIVE_CLASSIFY_KIND, "Live classes", lane="live",
                             target="recording")
        handle = self._runner.submit(request, task)
        handle.partial_ready.connect(functools.partial(self._on_handle, handle,
                                                       self.classes_changed))
        handle.finished.connect(functools.partial(self._on_handle, handle, self.finished))
        handle.failed.connect(functools.partial(self._on_handle, handle, self.failed))
        self._handle = handle
        return handle

    def feed(self, first_frame: int, frames: np.ndarray) -> None:
        """Hand the worker take frames from `first_frame` on (copied: the caller's array
        may be reused)."""
        if self._blocks is None:
            return
        if first_frame > self.frames_fed:  # lost to an overflowing ring: keep the times
            gap = first_frame - self.frames_fed
            self._blocks.put(np.zeros((gap, frames.shape[1] if frames.ndim == 2 else 1),
                                      np.float32))
            self.frames_fed = first_frame
        skip = self.frames_fed - first_frame
        if skip < len(frames):
            self._blocks.put(np.array(frames[skip:], np.float32))
            self.frames_fed = first_frame + len(frames)

    def end(self) -> None:
        """The take is over: classify what is queued and emit `finished`."""
        if self._blocks is not None:
            self._blocks.put(None)
            self._blocks = None

    def cancel(self) -> None:
        """Stop listening; nothing more is emitted for the running take."""
        self.end()
        handle, self._handle = self._handle, None
        if handle is not None and not handle.done:
            handle.cancel()

    def _on_handle(self, handle: JobHandle, signal, value) -> None:
        if handle is self._handle:
            signal.emit(value)


def _live_task(blocks, rate, zoo, cache, model, device_flag, setting, cancel):
    """The live classification on the live lane: torch is imported here, on the worker."""
    from workbench.ml.classifier.live import NO_BLOCK, live_classify

    def next_block(timeout_s: float):
        try:
            return blocks.get(timeout=timeout_s)
        except queue.Empty:
            return NO_BLOCK

    provider = inspected_model("classify", zoo, cache, model, device_flag, setting)
    return (yield from live_classify(next_block, rate, {}, cancel, provider))

"""One take-long live job: the recorder's blocks in, a model's results so far out.

`LiveTakeJob.start(rate, model)` submits one job that runs for the whole take: the
GUI thread hands it the recorder's new samples with `feed(first_frame, frames)`
(through a thread-safe queue; the worker never touches the recorder), and the job's
partial results come back on the subclass's own "so far" signal.  `end()` says the
take is over: the worker drains what is queued and emits `finished`.  A gap in the
frames fed (the recorder's ring overflowed while the GUI stalled) is filled with
silence so later results keep their times.

A family subclasses it with its job kind, title, lane, task name and the ml task
(`live_words` / `live_classes` rooms keep their own modules; this holds only what
both do with the take).

Threading and ownership: GUI thread only; the runner owns the worker thread, the
model cache the loaded model.
"""

from __future__ import annotations

import functools
import queue
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, Signal, SignalInstance

from workbench.core.jobs import JobRequest
from workbench.ml.tasks.live_blocks import queue_reader
from workbench.runtime.inspection_jobs import inspected_model
from workbench.runtime.job_runner import JobHandle, JobRunner
from workbench.runtime.model_jobs import ModelJobService


class LiveTakeJob(QObject):
    """One live job of a family at a time (see module doc)."""

    finished = Signal(object)  # the family's result for the whole take
    failed = Signal(object)  # exception

    # Set by each family:
    kind: str  # job kind (the jobs panel's filter)
    title: str  # job row title
    lane: str  # runner lane the job holds for the whole take
    task_name: str  # zoo task of the model ("transcribe", "classify")

    def __init__(self, runner: JobRunner, model_jobs: ModelJobService,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._jobs = runner, model_jobs
        self._handle: JobHandle | None = None
        self._blocks: queue.SimpleQueue | None = None
        self.frames_fed = 0  # take frames handed to the worker

    def so_far_signal(self) -> SignalInstance:
        """The family's signal for the results so far."""
        raise NotImplementedError

    @staticmethod
    def _live_task(next_block: Callable, rate: int, cancel, provider):
        """The family's ml live task (a generator); imports torch on the worker."""
        raise NotImplementedError

    def is_running(self) -> bool:
        return self._handle is not None and not self._handle.done

    def start(self, sample_rate: int, model: str | None = None) -> JobHandle:
        """Begin on a take recorded at `sample_rate` (cancels one running); `model`
        None: the zoo's default for the family's task."""
        self.cancel()
        self._blocks, self.frames_fed = queue.SimpleQueue(), 0
        task = functools.partial(_take_task, type(self)._live_task, self.task_name,
                                 self._blocks, sample_rate, self._jobs.zoo,
                                 self._jobs.model_cache, model, self._jobs.device_flag,
                                 self._jobs.device_setting)
        request = JobRequest(self.kind, self.title, lane=self.lane, target="recording")
        handle = self._runner.submit(request, task)
        handle.partial_ready.connect(functools.partial(self._on_handle, handle,
                                                       self.so_far_signal()))
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
        """The take is over: the worker drains what is queued and emits `finished`."""
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


def _take_task(live_task, task_name, blocks, rate, zoo, cache, model, device_flag,
               setting, cancel):
    """The live job on the worker: the model is loaded here, off the GUI thread."""
    provider = inspected_model(task_name, zoo, cache, model, device_flag, setting)
    return (yield from live_task(queue_reader(blocks), rate, cancel, provider))

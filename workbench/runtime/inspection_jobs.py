"""What the model inspectors share: the latest job per key, and loading a zoo model and
its audio on the worker.

`LatestJobs` submits view jobs that supersede each other (following the mouse, or a
newer transcript): a new job for a key cancels the one before it, and only the latest
job's result or error reaches the callbacks.  GUI thread only; the runner owns the
workers.

`inspected_model` and `inspected_samples` run on the worker (the task body of an
inspection): torch and the model are imported and loaded there, never on the GUI
thread.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable

import shiboken6
from PySide6.QtCore import QObject

from workbench.core.jobs import JobRequest
from workbench.runtime.job_runner import JobHandle, JobRunner
from workbench.runtime.model_jobs import snapshot_audio


class LatestJobs:
    """Submits jobs keyed by what they are about; only the latest per key is heard.

    With `owner` (the service the callbacks belong to), nothing is delivered once the
    owner's Qt object is gone (a window closed while a job was in flight)."""

    def __init__(self, runner: JobRunner, owner: QObject | None = None) -> None:
        self._runner, self._owner = runner, owner
        self._latest: dict[Hashable, JobHandle] = {}

    def submit(self, key: Hashable, request: JobRequest, task,
               finished: Callable[[object], None], failed: Callable[[object], None]
               ) -> JobHandle:
        """Submit `task`, cancelling the key's older job; `finished(result)` or
        `failed(error)` is called for this job only while it is the key's latest."""
        self.cancel(key)
        handle = self._runner.submit(request, task)
        handle.finished.connect(functools.partial(self._deliver, key, handle, finished))
        handle.failed.connect(functools.partial(self._deliver, key, handle, failed))
        self._latest[key] = handle
        return handle

    def cancel(self, key: Hashable) -> None:
        """Cancel the key's job if it still runs (a late result is still delivered)."""
        older = self._latest.get(key)
        if older is not None and not older.done:
            older.cancel()

    def forget(self, key: Hashable) -> None:
        """Cancel and drop the key's job: nothing of it is delivered any more."""
        self.cancel(key)
        self._latest.pop(key, None)

    def _deliver(self, key: Hashable, handle: JobHandle, callback, value) -> None:
        if self._owner is not None and not shiboken6.isValid(self._owner):
            return
        if self._latest.get(key) is handle:
            callback(value)


def inspected_model(task_kind: str, zoo, cache, model: str | None, device_flag, setting):
    """The ModelProvider of zoo model `model` (None: the task's default) for task
    `task_kind`, on the device the settings choose (run on the worker)."""
    from workbench.ml.device import choose_device
    from workbench.ml.model_tasks import MODEL_TASKS, ModelProvider, find_model

    spec = MODEL_TASKS[task_kind]
    entry = find_model(zoo, spec, model or None)
    return ModelProvider.from_zoo(zoo, entry, spec, choose_device(device_flag, setting), cache)


def inspected_samples(tracks, rate: int, start: int, stop: int, model_rate: int):
    """Frames [start, stop) of the tracks as mono float32 at `model_rate` (on the worker)."""
    from workbench.ml.tasks.audio import mono_at

    audio = snapshot_audio(tracks, start, stop)
    frames = audio.read() if hasattr(audio, "read") else audio
    return mono_at(frames, rate, model_rate)

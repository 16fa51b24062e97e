"""What the GUI's model trainings share: one training job at a time on the model lane,
cancel, the user's model folder, and the worker-side set-up of the task.

`ModelTrainingService` is the base of the classifier training and recognizer adapting
services: `_submit(request, task)` runs the task; each finished optimiser step is
emitted as `step_done(step)`, a finished result makes the model cache forget the model
of that name (a retrained name must load afresh) and goes to the service's
`_on_trained` (which emits its own result signal); a failed one emits
`failed(exception)`, a cancelled one `cancelled()`.  Threading and ownership: GUI
thread only; the runner owns the worker.

`training_audio(tracks, frames)` runs on the worker at the start of a training task.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from workbench.core.jobs import JobRequest
from workbench.runtime.job_runner import JobHandle
from workbench.runtime.model_jobs import ModelJobService, snapshot_audio
from workbench.runtime.torch_import import ensure_torch_imported


class ModelTrainingService(QObject):
    """Runs one training at a time on the model lane; see the module docstring."""

    step_done = Signal(object)  # the training's step (TrainingStep, AdaptStep)
    failed = Signal(object)  # exception
    cancelled = Signal()

    def __init__(self, model_jobs: ModelJobService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = model_jobs
        self.handle: JobHandle | None = None

    @property
    def busy(self) -> bool:
        return self.handle is not None and not self.handle.done

    @property
    def user_folder(self) -> Path:
        """Where trained models go: the zoo's user folder (without one, the zoo itself)."""
        return self._jobs.zoo.user_folder or self._jobs.zoo.folder

    def cancel(self) -> None:
        """Ask the running training to stop after its current step."""
        if self.busy:
            self.handle.cancel()

    def _submit(self, request: JobRequest, task) -> JobHandle:
        handle = self._jobs.runner.submit(request, task)
        handle.partial_ready.connect(self._on_handle_partial)
        handle.finished.connect(self._on_handle_finished)
        handle.failed.connect(self.failed)
        handle.cancelled.connect(self.cancelled)
        self.handle = handle
        return handle

    def _on_handle_partial(self, step) -> None:
        self.step_done.emit(step)

    def _on_trained(self, result) -> None:
        raise NotImplementedError  # each service emits its own result signal

    def _on_handle_finished(self, result) -> None:
        self._jobs.model_cache.discard(result.name)  # a retrained name must load afresh
        self._on_trained(result)


def training_audio(tracks, frames: int):
    """On the worker, before training: torch imported safely, one core left free so the
    window (and its loss plot) keeps drawing; returns frames [0, frames) of the tracks."""
    ensure_torch_imported()
    import torch

    wanted = max(1, (os.cpu_count() or 2) - 1)
    if torch.get_num_threads() > wanted:
        torch.set_num_threads(wanted)
    return snapshot_audio(tracks, 0, frames)

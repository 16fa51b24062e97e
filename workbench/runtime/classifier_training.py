"""Training a classifier from a document's labels, off the GUI thread.

`ClassifierTrainingService.train(document, tier, name)` snapshots the
document's audio and the label tier and runs
`workbench.training.classifier.from_labels.train_from_labels` (imported inside
the worker, so the GUI never waits for torch) on the runner's GPU lane, the
model lane: one model job at a time.  Each optimiser step arrives as
`step_done(TrainingStep)` for a live loss plot (a resumed run first sends
`resumed(TrainingResumed)` with the losses of the steps done before); a finished run emits
`trained(TrainedModel)` after the model joined the zoo (the user's model
folder; the model cache forgets any older model of that name), a failed one
`failed(exception)`, a cancelled one `cancelled()` (its checkpoint stays:
``params={"resume": True}`` continues it).

Threading and ownership: GUI thread only; the runner owns the worker.
"""

from __future__ import annotations

import functools
import os

from PySide6.QtCore import QObject, Signal

from workbench.core.document.document import Document
from workbench.core.jobs import JobRequest
from workbench.core.labels.labels import LabelTier
from workbench.runtime.job_runner import JobHandle
from workbench.runtime.model_jobs import ModelJobService, snapshot_audio
from workbench.runtime.torch_import import ensure_torch_imported
from workbench.training.classifier.label_checkpoint import has_checkpoint

TRAIN_KIND = "train-classifier"


class ClassifierTrainingService(QObject):
    """Runs one training at a time on the model lane; see the module docstring."""

    step_done = Signal(object)  # TrainingStep
    resumed = Signal(object)  # TrainingResumed: the losses of the steps done before
    trained = Signal(object)  # TrainedModel
    failed = Signal(object)  # exception
    cancelled = Signal()

    def __init__(self, model_jobs: ModelJobService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = model_jobs
        self.handle: JobHandle | None = None

    @property
    def busy(self) -> bool:
        return self.handle is not None and not self.handle.done

    def train(self, document: Document, tier: LabelTier, name: str,
              params: dict | None = None) -> JobHandle:
        """Start training model ``name`` from ``tier``'s regions of ``document``.

        ``params`` go to the task (steps, batch_size, base, seed, ...); the zoo
        is the model jobs' zoo.  Raises RuntimeError while a training runs.
        """
        if self.busy:
            raise RuntimeError("a classifier is already training")
        task_params = {"steps": 60, **(params or {}), "tier": tier, "name": name,
                       "zoo": self._jobs.zoo.folder, "user_zoo": self.user_folder,
                       "source": document.title}
        tracks = [t.samples for t in document.tracks]
        task = functools.partial(_train_task, tracks, document.sample_rate, document.frames,
                                 task_params)
        request = JobRequest(TRAIN_KIND, f"Train classifier '{name}'", lane="gpu",
                             revision=document.revision, target=f"tier {tier.name}")
        handle = self._jobs.runner.submit(request, task)
        handle.partial_ready.connect(self._on_handle_partial)
        handle.finished.connect(self._on_handle_finished)
        handle.failed.connect(self.failed)
        handle.cancelled.connect(self.cancelled)
        self.handle = handle
        return handle

    @property
    def user_folder(self):
        """Where trained models go: the zoo's user folder (without one, the zoo itself)."""
        return self._jobs.zoo.user_folder or self._jobs.zoo.folder

    def can_resume(self, name: str) -> bool:
        """True when a training of ``name`` stopped early and left a checkpoint."""
        return has_checkpoint(self.user_folder, name)

    def cancel(self) -> None:
        """Ask the running training to stop after its current step."""
        if self.busy:
            self.handle.cancel()

    def _on_handle_partial(self, step) -> None:
        if hasattr(step, "step"):
            self.step_done.emit(step)
        else:
            self.resumed.emit(step)

    def _on_handle_finished(self, result) -> None:
        self._jobs.model_cache.discard(result.name)  # a retrained name must load afresh
        self.trained.emit(result)


def _train_task(tracks, rate, frames, params, cancel):
    """The training, run on the model lane: torch is imported here, on the worker."""
    ensure_torch_imported()
    import torch

    from workbench.training.classifier.from_labels import train_from_labels

    # One core stays free so the window (and its loss plot) keeps drawing.
    wanted = max(1, (os.cpu_count() or 2) - 1)
    if torch.get_num_threads() > wanted:
        torch.set_num_threads(wanted)
    audio = snapshot_audio(tracks, 0, frames)
    return (yield from train_from_labels(audio, rate, params, cancel))

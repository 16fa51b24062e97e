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

from PySide6.QtCore import Signal

from workbench.core.document.document import Document
from workbench.core.jobs import JobRequest
from workbench.core.labels.labels import LabelTier
from workbench.runtime.job_runner import JobHandle
from workbench.runtime.model_training import ModelTrainingService, training_audio
from workbench.training.classifier.label_checkpoint import has_checkpoint

TRAIN_KIND = "train-classifier"


class ClassifierTrainingService(ModelTrainingService):
    """Runs one training at a time on the model lane; see the module docstring."""

    resumed = Signal(object)  # TrainingResumed: the losses of the steps done before
    trained = Signal(object)  # TrainedModel (step_done: TrainingStep)

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
        return self._submit(request, task)

    def can_resume(self, name: str) -> bool:
        """True when a training of ``name`` stopped early and left a checkpoint."""
        return has_checkpoint(self.user_folder, name)

    def _on_handle_partial(self, step) -> None:
        if hasattr(step, "step"):
            self.step_done.emit(step)
        else:
            self.resumed.emit(step)

    def _on_trained(self, result) -> None:
        self.trained.emit(result)


def _train_task(tracks, rate, frames, params, cancel):
    """The training, run on the model lane: torch is imported here, on the worker."""
    audio = training_audio(tracks, frames)
    from workbench.training.classifier.from_labels import train_from_labels

    return (yield from train_from_labels(audio, rate, params, cancel))

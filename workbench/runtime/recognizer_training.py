"""Adapting the recognizer to a document's corrected words, off the GUI thread.

`RecognizerAdaptService.adapt(document, words, name, params)` snapshots the
document's audio and runs `workbench.training.recognizer.adapt.adapt_recognizer`
(imported inside the worker, so the GUI never waits for torch) on the runner's GPU
lane, the model lane.  Each optimiser step arrives as `step_done(AdaptStep)` for a
live loss plot; a finished run emits `adapted(AdaptedModel)` once the copy is in
the zoo (the model cache forgets any older model of that name), a failed one
`failed(exception)`, a cancelled one `cancelled()` (nothing is written).

Threading and ownership: GUI thread only; the runner owns the worker.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import Signal

from workbench.core.document.document import Document
from workbench.core.jobs import JobRequest
from workbench.runtime.job_runner import JobHandle
from workbench.runtime.model_training import ModelTrainingService, training_audio

ADAPT_KIND = "adapt-recognizer"


class RecognizerAdaptService(ModelTrainingService):
    """Runs one adaptation at a time on the model lane; see the module docstring."""

    adapted = Signal(object)  # AdaptedModel (step_done: AdaptStep)

    def adapt(self, document: Document, words: list[tuple[float, float, str]], name: str,
              params: dict | None = None) -> JobHandle:
        """Start adapting into model ``name`` from ``words`` (start s, end s, text) of
        ``document``; ``params`` go to the task (base, steps, ...).  Raises RuntimeError
        while an adaptation runs."""
        if self.busy:
            raise RuntimeError("the recognizer is already being adapted")
        task_params = {"steps": 40, **(params or {}), "words": list(words), "name": name,
                       "zoo": self._jobs.zoo.folder, "user_zoo": self.user_folder,
                       "source": document.title}
        task = functools.partial(_adapt_task, [t.samples for t in document.tracks],
                                 document.sample_rate, document.frames, task_params)
        request = JobRequest(ADAPT_KIND, f"Adapt recognizer as '{name}'", lane="gpu",
                             revision=document.revision, target=document.title)
        return self._submit(request, task)

    def _on_trained(self, result) -> None:
        self.adapted.emit(result)


def _adapt_task(tracks, rate, frames, params, cancel):
    """The adaptation, run on the model lane: torch is imported here, on the worker."""
    audio = training_audio(tracks, frames)
    from workbench.training.recognizer.adapt import adapt_recognizer

    return (yield from adapt_recognizer(audio, rate, params, cancel))

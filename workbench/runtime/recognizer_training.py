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
import os

from PySide6.QtCore import QObject, Signal

from workbench.core.document.document import Document
from workbench.core.jobs import JobRequest
from workbench.runtime.job_runner import JobHandle
from workbench.runtime.model_jobs import ModelJobService, snapshot_audio

ADAPT_KIND = "adapt-recognizer"


class RecognizerAdaptService(QObject):
    """Runs one adaptation at a time on the model lane; see the module docstring."""

    step_done = Signal(object)  # AdaptStep
    adapted = Signal(object)  # AdaptedModel
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
    def user_folder(self):
        """Where adapted models go: the zoo's user folder (without one, the zoo itself)."""
        return self._jobs.zoo.user_folder or self._jobs.zoo.folder

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
        handle = self._jobs.runner.submit(request, task)
        handle.partial_ready.connect(self.step_done)
        handle.finished.connect(self._on_handle_finished)
        handle.failed.connect(self.failed)
        handle.cancelled.connect(self.cancelled)
        self.handle = handle
        return handle

    def cancel(self) -> None:
        """Ask the running adaptation to stop after its current step."""
        if self.busy:
            self.handle.cancel()

    def _on_handle_finished(self, result) -> None:
        self._jobs.model_cache.discard(result.name)  # a re-adapted name must load afresh
        self.adapted.emit(result)


def _adapt_task(tracks, rate, frames, params, cancel):
    """The adaptation, run on the model lane: torch is imported here, on the worker."""
    from workbench.runtime.torch_import import ensure_torch_imported

    ensure_torch_imported()
    import torch

    from workbench.training.recognizer.adapt import adapt_recognizer

    # One core stays free so the window (and its loss plot) keeps drawing.
    wanted = max(1, (os.cpu_count() or 2) - 1)
    if torch.get_num_threads() > wanted:
        torch.set_num_threads(wanted)
    audio = snapshot_audio(tracks, 0, frames)
    return (yield from adapt_recognizer(audio, rate, params, cancel))

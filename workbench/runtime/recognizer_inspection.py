"""The recognizer's posteriorgram for a document, computed off the GUI thread.

`RecognizerInspectionService.compute(document, start, stop, model)` runs the audio
[start, stop) through the recognizer named `model` (the one that made the
transcript) on the runner's GPU lane, as a quiet view job, and emits
`computed(document, Posteriorgram)`.  A newer request for the same document
cancels the older one, and a late result of an older request is dropped.

Threading and ownership: GUI thread only; the runner owns the worker, the model
cache (shared with the model jobs) owns the loaded model.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QObject, Signal

from workbench.core.document.document import Document
from workbench.core.jobs import JobRequest
from workbench.runtime.job_runner import JobHandle, JobRunner
from workbench.runtime.model_jobs import ModelJobService, snapshot_audio

POSTERIORGRAM_KIND = "recognizer-posteriorgram"


class RecognizerInspectionService(QObject):
    """Submits posteriorgram jobs; emits `computed` or `failed` for the latest per document."""

    computed = Signal(object, object)  # Document, Posteriorgram
    failed = Signal(object, object)  # Document, exception

    def __init__(self, runner: JobRunner, model_jobs: ModelJobService,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner, self._jobs = runner, model_jobs
        self._latest: dict[Document, JobHandle] = {}

    def compute(self, document: Document, start: int, stop: int, model: str | None
                ) -> JobHandle | None:
        """Compute the posteriorgram of frames [start, stop) (None when they are empty)."""
        stop = min(stop, document.frames)
        if stop <= start:
            return None
        older = self._latest.get(document)
        if older is not None and not older.done:
            older.cancel()
        rate = document.sample_rate
        task = functools.partial(
            _posteriorgram_task, [t.samples for t in document.tracks], rate, start, stop,
            self._jobs.zoo, self._jobs.model_cache, model, self._jobs.device_flag,
            self._jobs.device_setting)
        request = JobRequest(POSTERIORGRAM_KIND, "Recognizer posteriorgram", lane="gpu",
                             revision=document.revision, target=document.title)
        handle = self._runner.submit(request, task)
        handle.finished.connect(functools.partial(self._on_handle_finished, document, handle))
        handle.failed.connect(functools.partial(self._on_handle_failed, document, handle))
        self._latest[document] = handle
        return handle

    def forget(self, document: Document) -> None:
        """Cancel and drop the document's job (the document was closed)."""
        handle = self._latest.pop(document, None)
        if handle is not None and not handle.done:
            handle.cancel()

    def _on_handle_finished(self, document: Document, handle: JobHandle, gram) -> None:
        if self._latest.get(document) is handle:
            self.computed.emit(document, gram)

    def _on_handle_failed(self, document: Document, handle: JobHandle, error) -> None:
        if self._latest.get(document) is handle:
            self.failed.emit(document, error)


def _posteriorgram_task(tracks, rate, start, stop, zoo, cache, model, device_flag, setting,
                        cancel):
    """The posteriorgram, run on the GPU lane: torch is imported here, on the worker."""
    from workbench.core.jobs import Progress
    from workbench.ml.device import choose_device
    from workbench.ml.model_tasks import MODEL_TASKS, ModelProvider, find_model
    from workbench.ml.recognizer.inspection import posteriorgram
    from workbench.ml.recognizer.net import CHARACTERS
    from workbench.ml.tasks.audio import mono_at

    yield Progress(None, "Computing the recognizer's posteriorgram…")
    spec = MODEL_TASKS["transcribe"]
    entry = find_model(zoo, spec, model or None)
    provider = ModelProvider.from_zoo(zoo, entry, spec, choose_device(device_flag, setting),
                                      cache)
    net = provider.model()
    cancel.check()
    audio = snapshot_audio(tracks, start, stop)
    frames = audio.read() if hasattr(audio, "read") else audio
    samples = mono_at(frames, rate, net.sample_rate)
    characters = provider.card.alphabet or CHARACTERS
    return posteriorgram(net, samples, characters, start / rate, provider.name,
                         str(provider.device))

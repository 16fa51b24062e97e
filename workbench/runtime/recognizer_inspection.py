"""Looking inside the recognizer for a document, computed off the GUI thread.

`RecognizerInspectionService.compute(document, start, stop, model)` runs the audio
[start, stop) through the recognizer named `model` (the one that made the
transcript) on the runner's GPU lane, as a quiet view job, and emits
`computed(document, Posteriorgram)`.  `compute_states(...)` does the same for the
recurrent layers' outputs and emits `states_computed(document, RecurrentStates)`;
they cover at most `MAX_STATES_S` seconds from `start` (every unit of every layer is
kept: an hour would take hundreds of MB).  A newer request of a kind for the same
document cancels the older one, and a late result of an older request is dropped.

Threading and ownership: GUI thread only; the runner owns the worker, the model
cache (shared with the model jobs) owns the loaded model.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QObject, Signal

from workbench.core.document.document import Document
from workbench.core.jobs import JobRequest
from workbench.runtime.inspection_jobs import LatestJobs, inspected_model, inspected_samples
from workbench.runtime.job_runner import JobHandle, JobRunner
from workbench.runtime.model_jobs import ModelJobService

POSTERIORGRAM_KIND = "recognizer-posteriorgram"
STATES_KIND = "recognizer-states"
MAX_STATES_S = 600.0


class RecognizerInspectionService(QObject):
    """Submits posteriorgram and recurrent-state jobs; emits the latest per document."""

    computed = Signal(object, object)  # Document, Posteriorgram
    failed = Signal(object, object)  # Document, exception
    states_computed = Signal(object, object)  # Document, RecurrentStates
    states_failed = Signal(object, object)  # Document, exception

    def __init__(self, runner: JobRunner, model_jobs: ModelJobService,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = model_jobs
        self._latest = LatestJobs(runner, self)

    def compute(self, document: Document, start: int, stop: int, model: str | None
                ) -> JobHandle | None:
        """Compute the posteriorgram of frames [start, stop) (None when they are empty)."""
        return self._submit(document, start, stop, model, POSTERIORGRAM_KIND,
                            "Recognizer posteriorgram", _posteriorgram_task,
                            self.computed, self.failed)

    def compute_states(self, document: Document, start: int, stop: int, model: str | None
                       ) -> JobHandle | None:
        """Compute the recurrent states of frames [start, stop), at most MAX_STATES_S."""
        stop = min(stop, start + round(MAX_STATES_S * document.sample_rate))
        return self._submit(document, start, stop, model, STATES_KIND,
                            "Recognizer hidden states", _states_task,
                            self.states_computed, self.states_failed)

    def forget(self, document: Document) -> None:
        """Cancel and drop the document's jobs (the document was closed)."""
        for kind in (POSTERIORGRAM_KIND, STATES_KIND):
            self._latest.forget((document, kind))

    def _submit(self, document, start, stop, model, kind, title, body, done, failed):
        stop = min(stop, document.frames)
        if stop <= start:
            return None
        task = functools.partial(
            body, [t.samples for t in document.tracks], document.sample_rate, start, stop,
            self._jobs.zoo, self._jobs.model_cache, model, self._jobs.device_flag,
            self._jobs.device_setting)
        request = JobRequest(kind, title, lane="gpu", revision=document.revision,
                             target=document.title)
        return self._latest.submit((document, kind), request, task,
                                   functools.partial(done.emit, document),
                                   functools.partial(failed.emit, document))


def _posteriorgram_task(tracks, rate, start, stop, zoo, cache, model, device_flag, setting,
                        cancel):
    """The posteriorgram, run on the GPU lane: torch is imported here, on the worker."""
    from workbench.core.jobs import Progress
    from workbench.ml.recognizer.inspection import posteriorgram
    from workbench.ml.recognizer.net import CHARACTERS

    yield Progress(None, "Computing the recognizer's posteriorgram…")
    provider = inspected_model("transcribe", zoo, cache, model, device_flag, setting)
    net = provider.model()
    cancel.check()
    samples = inspected_samples(tracks, rate, start, stop, net.sample_rate)
    characters = provider.card.alphabet or CHARACTERS
    return posteriorgram(net, samples, characters, start / rate, provider.name,
                         str(provider.device))


def _states_task(tracks, rate, start, stop, zoo, cache, model, device_flag, setting, cancel):
    """The recurrent layers' outputs, run on the GPU lane (torch imported here)."""
    from workbench.core.jobs import Progress
    from workbench.ml.recognizer.inspection import recurrent_states

    yield Progress(None, "Computing the recognizer's hidden states…")
    provider = inspected_model("transcribe", zoo, cache, model, device_flag, setting)
    net = provider.model()
    cancel.check()
    samples = inspected_samples(tracks, rate, start, stop, net.sample_rate)
    return recurrent_states(net, samples, start / rate, provider.name, str(provider.device))

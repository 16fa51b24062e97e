"""The enhancer's mask and GRU state, and SQUIM scores, for a reviewed span, off the GUI thread.

`EnhancerInspectionService.compute(document, start, stop, model, channel)` runs one
channel of the audio [start, stop) through the mask enhancer named `model` (the one
that made the result under review) on the runner's GPU lane, as a quiet view job,
and emits `computed(document, EnhancerInsight)`.  `score(document, original, enhanced,
rate)` estimates STOI/PESQ/SI-SDR of both with torchaudio's SQUIM objective model
(when its checkpoint is installed: `squim_installed()`) and emits
`scored(document, before, after)`.  A newer request of either kind for the same
document cancels the older one, and a late result of an older request is dropped.

Threading and ownership: GUI thread only; the runner owns the worker, the model
cache (shared with the model jobs) owns the loaded model.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QObject, Signal

from workbench.core.document.document import Document
from workbench.core.jobs import JobRequest
from workbench.ml.zoo.pretrained import PretrainedInfo, pretrained_info
from workbench.runtime.inspection_jobs import LatestJobs, inspected_model
from workbench.runtime.job_runner import JobHandle, JobRunner
from workbench.runtime.model_jobs import ModelJobService, snapshot_audio

INSIGHT_KIND = "enhancer-insight"
SQUIM_KIND = "enhancer-squim"
SQUIM_BUNDLE = "SQUIM_OBJECTIVE"


def squim_info() -> PretrainedInfo:
    """Where SQUIM's checkpoint is (or goes) and whether it is there; imports no torch."""
    return pretrained_info(SQUIM_BUNDLE)


class EnhancerInspectionService(QObject):
    """Submits mask/state and SQUIM jobs; emits the latest of each kind per document."""

    computed = Signal(object, object)  # Document, EnhancerInsight
    scored = Signal(object, object, object)  # Document, SquimScores before, after (or None)
    failed = Signal(object, object)  # Document, exception

    def __init__(self, runner: JobRunner, model_jobs: ModelJobService,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs = model_jobs
        self._latest = LatestJobs(runner, self)

    def compute(self, document: Document, start: int, stop: int, model: str | None,
                channel: int = 0) -> JobHandle | None:
        """Compute the insight of frames [start, stop) of `channel` (None when empty).
        A new span also drops the document's pending SQUIM scores (they were of the old)."""
        stop = min(stop, document.frames)
        if stop <= start:
            return None
        self.forget(document)
        task = functools.partial(
            _insight_task, [t.samples for t in document.tracks], document.sample_rate, start,
            stop, channel, self._jobs.zoo, self._jobs.model_cache, model,
            self._jobs.device_flag, self._jobs.device_setting)
        request = JobRequest(INSIGHT_KIND, "Enhancer mask and state", lane="gpu",
                             revision=document.revision, target=document.title)
        return self._latest.submit((document, INSIGHT_KIND), request, task,
                                   functools.partial(self.computed.emit, document),
                                   functools.partial(self.failed.emit, document))

    def score(self, document: Document, original, enhanced, rate: int,
              before=None) -> JobHandle:
        """SQUIM scores of `original` and `enhanced` (frames x channels at `rate`); `before`,
        when given, are the original's scores already known (only `enhanced` is scored)."""
        task = functools.partial(_squim_task, original, enhanced, rate, before,
                                 self._jobs.model_cache, self._jobs.device_flag,
                                 self._jobs.device_setting)
        request = JobRequest(SQUIM_KIND, "SQUIM quality scores", lane="gpu",
                             revision=document.revision, target=document.title)
        return self._latest.submit((document, SQUIM_KIND), request, task,
                                   functools.partial(self._emit_scores, document),
                                   functools.partial(self.failed.emit, document))

    def forget(self, document: Document) -> None:
        """Cancel and drop the document's jobs (the review ended, or the document closed)."""
        for kind in (INSIGHT_KIND, SQUIM_KIND):
            self._latest.forget((document, kind))

    def _emit_scores(self, document: Document, scores) -> None:
        self.scored.emit(document, *scores)


def _insight_task(tracks, rate, start, stop, channel, zoo, cache, model, device_flag,
                  setting, cancel):
    """The insight, run on the GPU lane: torch is imported here, on the worker."""
    from workbench.core.jobs import Progress
    from workbench.ml.enhancer.inspection import enhancer_insight
    from workbench.ml.resample import resample_array

    yield Progress(None, "Computing the enhancer's mask and state…")
    provider = inspected_model("enhance", zoo, cache, model, device_flag, setting)
    net = provider.model()
    cancel.check()
    audio = snapshot_audio(tracks, start, stop)
    frames = audio.read() if hasattr(audio, "read") else audio
    channel = min(channel, frames.shape[1] - 1)
    samples = resample_array(frames[:, channel], rate, provider.card.sample_rate)[:, 0]
    return enhancer_insight(net, samples, provider.card.sample_rate, start / rate,
                            provider.name, channel, cancel)


def _squim_task(original, enhanced, rate, before, cache, device_flag, setting, cancel):
    """(before, after) SquimScores, run on the GPU lane: torch is imported here."""
    from workbench.core.jobs import Progress
    from workbench.ml.device import choose_device
    from workbench.ml.enhancer.squim import squim_scores
    from workbench.ml.zoo.pretrained import load_pretrained

    yield Progress(None, "Scoring with SQUIM…")
    device = choose_device(device_flag, setting)
    model = cache.get_or_load(SQUIM_BUNDLE, device, lambda: load_pretrained(SQUIM_BUNDLE, device))
    if before is None:
        before = squim_scores(model, original, rate)
    cancel.check()
    return before, squim_scores(model, enhanced, rate)

"""Model jobs for documents: submit on the GPU lane, follow, apply or offer as stale.

`ModelJobService.submit(kind, document, span)` snapshots the document's
immutable sample blocks and its audio revision, and runs the kind's model
task (workbench.ml.model_tasks, imported inside the worker so the GUI never waits
for torch) on the runner's GPU lane.  When the job finishes, its result is
applied to the document as one undoable command, but only if the audio is
still what the job read (`Document.audio_revision` unchanged); otherwise
`result_stale` offers it to the UI ("document changed — re-run?") and the
document is left alone.  A cancelled or failed job changes nothing.
An enhance job with params["regions"] ((start, end) seconds, e.g. the classifier's
speech segments) runs once over their span and changes only those regions.
Kinds in `review_kinds` (the enhancer UI adds "enhance") are not applied when
they finish: `result_for_review` hands them to that UI, which applies the one
the user accepts with `apply_result` (again one undoable command).

Threading and ownership: GUI thread only.  The runner owns the workers; the
service owns its ModelJob records and, unless given `history_for`, one undo
History per document it applied results to.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from PySide6.QtCore import QObject, Signal

from workbench.core.analysis.enhancement_review import only_in_regions
from workbench.core.analysis.results import EnhancedAudio, RunInfo
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.analysis_commands import ApplyAnalysisCommand, enhancement_command
from workbench.core.document.document import Document
from workbench.core.document.history import History
from workbench.core.jobs import JobRequest
from workbench.core.time_format import span_text
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.job_runner import JobHandle, JobRunner
from workbench.runtime.torch_import import ensure_torch_imported

_VERBS = {"transcribe": "Transcribe", "enhance": "Enhance", "classify": "Classify"}


@dataclass(eq=False)
class ModelJob:
    """One submitted model job: what it reads, and what is known about its run.

    `start`/`stop` are document frames; `device` is the device setting until
    the worker reports the device it chose (and "cpu" after a fallback).
    """

    handle: JobHandle
    kind: str
    document: Document
    start: int
    stop: int
    audio_revision: int
    model: str | None
    params: dict = field(default_factory=dict)
    device: str = ""
    message: str = ""
    stale: bool = False

    @property
    def whole_file(self) -> bool:
        return self.start == 0 and self.stop >= self.document.frames

    @property
    def target(self) -> str:
        return job_target(self.document, self.start, self.stop)


def job_target(document: Document, start: int, stop: int) -> str:
    """What a job runs on, for people: "demo.flac" or "demo.flac 1.00–2.50 s"."""
    if start == 0 and stop >= document.frames:
        return document.title
    return f"{document.title} {span_text(start, stop, document.sample_rate)}"


class ModelJobService(QObject):
    """Runs model jobs for documents and applies their results (see module docstring)."""

    job_submitted = Signal(object)  # ModelJob
    run_info_changed = Signal(object)  # ModelJob: its model/device became known or changed
    partial_result = Signal(object, object)  # ModelJob, result so far (document times)
    result_applied = Signal(object, object)  # ModelJob, result
    result_stale = Signal(object, object)  # ModelJob, result the document no longer fits
    result_for_review = Signal(object, object)  # ModelJob, result (kinds in review_kinds)
    apply_failed = Signal(object, object)  # ModelJob, exception
    device_setting_changed = Signal(str)

    def __init__(self, runner: JobRunner, zoo: ModelZoo, model_cache: ModelCache,
                 device_setting: str = "auto", device_flag: str | None = None,
                 history_for: Callable[[Document], History] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner, self.zoo, self.model_cache = runner, zoo, model_cache
        self._device_setting, self.device_flag = device_setting, device_flag
        self._history_for = history_for
        # A plain dict: each History refers to its document, so weak keys would
        # never be released anyway.  Closing a document calls forget().
        self._histories: dict[Document, History] = {}
        self._jobs: dict[JobHandle, ModelJob] = {}
        self.review_kinds: set[str] = set()  # finished, these wait for apply_result

    # -- settings ---------------------------------------------------------------
    @property
    def device_setting(self) -> str:
        return self._device_setting

    def set_device_setting(self, name: str) -> None:
        """Use `name` (auto, cpu, cuda, ...) for jobs submitted from now on."""
        if name != self._device_setting:
            self._device_setting = name
            self.device_setting_changed.emit(name)

    @property
    def device_preference(self) -> str:
        """What decides the device, for the status bar: the --device flag, else the setting."""
        return self.device_flag or self._device_setting

    def history(self, document: Document) -> History:
        """The undo history results are pushed on for `document`."""
        if self._history_for is not None:
            return self._history_for(document)
        if document not in self._histories:
            self._histories[document] = History(document)
        return self._histories[document]

    def forget(self, document: Document) -> None:
        """Let go of a closed document: cancel its jobs and drop its history."""
        for handle, job in list(self._jobs.items()):
            if job.document is document:
                handle.cancel()
        self._histories.pop(document, None)

    # -- jobs ---------------------------------------------------------------------
    def submit(self, kind: str, document: Document, span: tuple[float, float] | None = None,
               model: str | None = None, params: dict | None = None) -> JobHandle:
        """Run `kind` on `document` (on `span` seconds, or the whole file); returns the handle."""
        if kind not in _VERBS:
            raise ValueError(f"unknown model job kind {kind!r}; known: {', '.join(_VERBS)}")
        start, stop = self._frames(document, span)
        request = JobRequest(kind, _VERBS[kind], lane="gpu", revision=document.revision,
                             target=job_target(document, start, stop), params=dict(params or {}))
        tracks = [t.samples for t in document.tracks]
        task = functools.partial(_model_task, kind, tracks, document.sample_rate, start, stop,
                                 self.zoo, self.model_cache, model, self.device_flag,
                                 self._device_setting, dict(params or {}))
        handle = self.runner.submit(request, task)
        job = ModelJob(handle, kind, document, start, stop, document.audio_revision, model,
                       dict(params or {}), device=self.device_preference)
        self._jobs[handle] = job
        handle.partial_ready.connect(functools.partial(self._on_handle_partial, job))
        handle.finished.connect(functools.partial(self._on_handle_finished, job))
        handle.ended.connect(self._on_handle_ended)
        self.job_submitted.emit(job)
        return handle

    def rerun(self, job: ModelJob) -> JobHandle:
        """Submit `job` again on the document as it is now (the stale offer's answer)."""
        rate = job.document.sample_rate
        span = None if job.whole_file else (job.start / rate, job.stop / rate)
        return self.submit(job.kind, job.document, span, job.model, job.params)

    def job_for(self, handle: JobHandle) -> ModelJob | None:
        return self._jobs.get(handle)

    @property
    def live_jobs(self) -> list[ModelJob]:
        return list(self._jobs.values())

    @staticmethod
    def _frames(document: Document, span: tuple[float, float] | None) -> tuple[int, int]:
        if span is None:
            return 0, document.frames
        a, b = sorted(span)
        rate, frames = document.sample_rate, document.frames
        start = min(frames, max(0, round(a * rate)))
        stop = min(frames, max(start, round(b * rate)))
        if stop <= start:
            return 0, frames  # an empty selection means the whole file
        return start, stop

    # -- results --------------------------------------------------------------------
    def _on_handle_partial(self, job: ModelJob, value: object) -> None:
        if isinstance(value, RunInfo):
            job.model, job.device, job.message = value.model, value.device, value.message
            self.run_info_changed.emit(job)
        elif hasattr(value, "placed"):
            self.partial_result.emit(job, value.placed(job.start / job.document.sample_rate))

    def _on_handle_finished(self, job: ModelJob, result: object) -> None:
        job.device = getattr(result, "device", job.device)
        if job.document.audio_revision != job.audio_revision:
            job.stale = True
            self.result_stale.emit(job, result)
            return
        if job.kind in self.review_kinds:
            self.result_for_review.emit(job, result)
            return
        self.apply_result(job, result)

    def apply_result(self, job: ModelJob, result: object) -> bool:
        """Apply `result` of `job` as one undoable command; True when it was applied.

        A document whose audio changed since the job read it is left alone
        (`result_stale`); a refused command is told by `apply_failed`.
        """
        if job.document.audio_revision != job.audio_revision:
            job.stale = True
            self.result_stale.emit(job, result)
            return False
        if isinstance(result, EnhancedAudio):
            if job.params.get("regions"):
                result = _in_regions(job, result)
            command = enhancement_command(job.document, result)
        else:
            command = ApplyAnalysisCommand(job.kind, result, _VERBS[job.kind])
        try:
            self.history(job.document).push(command)
        except Exception as exc:  # e.g. an EditError: told to the user, the document kept
            self.apply_failed.emit(job, exc)
            return False
        self.result_applied.emit(job, result)
        return True

    def _on_handle_ended(self, handle: JobHandle) -> None:
        self._jobs.pop(handle, None)


def _in_regions(job: ModelJob, result: EnhancedAudio) -> EnhancedAudio:
    """`result` with the job's original audio outside params["regions"]."""
    rate = job.document.sample_rate
    original = snapshot_audio([t.samples for t in job.document.tracks], job.start, job.stop)
    original = original.read() if isinstance(original, BlockSequence) else original
    kept = only_in_regions(original, result.samples.read(), job.start / rate,
                           job.params["regions"], rate)
    return replace(result, samples=BlockSequence.from_array(kept))


def snapshot_audio(tracks: Sequence[BlockSequence], start: int, stop: int
                   ) -> BlockSequence | np.ndarray:
    """Frames [start, stop) of all tracks as one frames x channels audio.

    One track stays a BlockSequence (read lazily by the task); several are
    read and put side by side, a shorter track padded with silence.
    """
    if len(tracks) == 1:
        return tracks[0].slice(start, stop)
    parts = []
    for seq in tracks:
        data = seq.read(start, stop)
        parts.append(np.pad(data, ((0, stop - start - len(data)), (0, 0))))
    return np.concatenate(parts, axis=1)


def _model_task(kind, tracks, rate, start, stop, zoo, cache, model, device_flag, setting,
                params, cancel):
    """The job's task, run on the GPU lane: torch is imported here, off the GUI thread."""
    ensure_torch_imported()  # never first on a pool thread: see torch_import.py
    _leave_a_core_for_the_gui()
    from workbench.ml.model_tasks import MODEL_TASKS, run_model_task

    audio = snapshot_audio(tracks, start, stop)
    return (yield from run_model_task(MODEL_TASKS[kind], audio, rate, cancel, zoo=zoo,
                                      cache=cache, model=model, device=device_flag,
                                      device_setting=setting, params=params,
                                      offset=start / rate))


def _leave_a_core_for_the_gui() -> None:
    """Run torch's CPU kernels on one thread fewer than there are cores.

    With every core busy (and OpenMP threads spin-waiting between kernels)
    the GUI thread is scheduled late and timers stutter; one core left free
    keeps the window responsive while a model runs on the CPU.
    """
    import torch

    wanted = max(1, (os.cpu_count() or 2) - 1)
    if torch.get_num_threads() > wanted:
        torch.set_num_threads(wanted)

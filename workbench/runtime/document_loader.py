"""Opens audio files into Documents through background jobs.

Opening is a chain: read the header and map (or decode) the samples, then —
with the document already on screen — summarize peaks (the waveform fills in
as chunks arrive, as in Sonic Visualiser) and measure levels.  The loader owns
no documents; it hands each one to whoever listens to `loaded`.
Signals are emitted on the GUI thread.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from workbench.core.analysis.peaks import SYNC_BUILD_LIMIT, PeakPyramid
from workbench.core.audio.audio_file import LoadedAudio, load_audio
from workbench.core.audio.audio_stats import compute_stats
from workbench.core.audio.blocks import BlockSequence
from workbench.core.audio.sample_source import SampleSource
from workbench.core.document.document import Document, Track
from workbench.core.jobs import JobRequest
from workbench.runtime.job_runner import JobHandle, JobRunner

PEAK_PARTS = 2  # the peak pass is split over this many CPU workers (at most)


@dataclass
class _Job:
    """What the loader does with one of its jobs' news (GUI thread)."""

    on_result: Callable[[object], None]
    on_error: Callable[[BaseException], None] | None = None
    on_progress: Callable[[], None] | None = None


class DocumentLoader(QObject):
    """Turns paths into Documents; reports every step as a signal."""

    loaded = Signal(object)  # Document
    peaks_progressed = Signal(object)  # Document (more of the waveform is known)
    peaks_finished = Signal(object, int)  # Document, non-finite sample count
    stats_ready = Signal(object, object)  # Document, AudioStats
    failed = Signal(object, object)  # Path, exception

    def __init__(self, runner: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._jobs: dict[JobHandle, _Job] = {}
        self._reported: weakref.WeakSet[PeakPyramid] = weakref.WeakSet()

    def open(self, path: Path) -> None:
        path = Path(path)
        request = JobRequest("open", f"Open {path.name}", target=str(path))
        self._submit(request, lambda cancel: load_audio(path, cancel),
                     _Job(lambda loaded: self._on_loaded(path, loaded),
                          on_error=lambda exc: self.failed.emit(path, exc)))

    def is_idle(self) -> bool:
        return not self._jobs

    def _submit(self, request: JobRequest, task, job: _Job) -> None:
        handle = self._runner.submit(request, task)
        self._jobs[handle] = job
        # Only bound methods of this loader listen to the handle, never closures:
        # Qt drops a bound method's connection when its object is deleted, so a job
        # that ends after its window closed finds no listener, where a closure
        # would still run and emit a signal of the deleted loader ("Signal source
        # has been deleted").  The closures live in self._jobs and die with it.
        handle.ended.connect(self._on_job_ended)
        if job.on_progress is not None:
            handle.progressed.connect(self._on_job_progressed)

    def _on_job_progressed(self, _progress) -> None:
        job = self._jobs.get(self.sender())
        if job is not None and job.on_progress is not None:
            job.on_progress()

    def _on_job_ended(self, handle: JobHandle) -> None:
        job = self._jobs.pop(handle, None)
        if job is None:
            return
        if handle.state == "finished":
            job.on_result(handle.result)
        elif handle.state == "failed" and job.on_error is not None:
            job.on_error(handle.error)

    def adopt(self, doc: Document) -> None:
        """Hand a document built elsewhere (an opened project, a recovered document) to
        `loaded` listeners, then summarize its long sources as for an opened file."""
        sources = {b.source.id: b.source for t in doc.tracks for b in t.samples.blocks}
        pyramids = [_attach_pyramid(s) for s in sources.values()
                    if s.peaks is None and s.frames > SYNC_BUILD_LIMIT]
        self.loaded.emit(doc)
        for pyramid in pyramids:
            self._summarize(doc, pyramid, doc.path or Path(doc.title))
        if not pyramids:  # else the levels are measured when the peaks are known
            self._measure(doc)

    def _on_loaded(self, path: Path, loaded: LoadedAudio) -> None:
        source = loaded.source
        doc = Document([Track(path.stem, BlockSequence.from_source(source))],
                       loaded.info.sample_rate, path=path, info=loaded.info)
        pyramid = _attach_pyramid(source)
        self.loaded.emit(doc)
        self._summarize(doc, pyramid, path)

    def _summarize(self, doc: Document, pyramid: PeakPyramid, path: Path) -> None:
        parts = max(1, min(PEAK_PARTS, self._runner.cpu_threads))
        # The window owns the document; the jobs only refer to it weakly.  Qt keeps
        # a connection's closure until the handle itself is deleted, which can be
        # later than the tab closing, so a strong reference here kept closed
        # documents (and their mapped files) alive.
        doc_ref = weakref.ref(doc)
        for part in range(parts):
            request = JobRequest("peaks", f"Read peaks of {path.name}", target=str(path))
            self._submit(request, lambda cancel, p=part: pyramid.build(cancel, p, parts), _Job(
                lambda _r: self._on_peaks_part_finished(doc_ref, pyramid),
                on_error=lambda exc: self.failed.emit(path, exc),
                on_progress=lambda: self._emit_for(doc_ref, self.peaks_progressed)))

    @staticmethod
    def _emit_for(doc_ref: weakref.ref, signal, *args) -> None:
        doc = doc_ref()
        if doc is not None:  # else the document was closed meanwhile
            signal.emit(doc, *args)

    def _on_peaks_part_finished(self, doc_ref: weakref.ref, pyramid: PeakPyramid) -> None:
        # Parts end in any order, and a part's queued `finished` may arrive after
        # the last part completed the pyramid: report a pyramid once.
        doc = doc_ref()
        if doc is not None and pyramid.complete and pyramid not in self._reported:
            self._reported.add(pyramid)
            self._on_peaks_finished(doc, pyramid)

    def _on_peaks_finished(self, doc: Document, pyramid: PeakPyramid) -> None:
        self.peaks_finished.emit(doc, pyramid.nonfinite_samples)
        samples = doc.tracks[0].samples
        if _is_whole_source(samples, pyramid):  # a file as opened: the peak pass measured it
            self.stats_ready.emit(doc, pyramid.stats())
        else:
            self._measure(doc)

    def _measure(self, doc: Document) -> None:
        """Peak and RMS of the first track, scanned in the background."""
        request = JobRequest("stats", f"Measure {doc.title}", revision=doc.revision)
        samples = doc.tracks[0].samples
        doc_ref = weakref.ref(doc)  # see _summarize
        self._submit(request, lambda cancel: compute_stats(samples, cancel),
                     _Job(lambda stats: self._emit_for(doc_ref, self.stats_ready, stats)))


def _attach_pyramid(source: SampleSource) -> PeakPyramid:
    pyramid = PeakPyramid(source)
    source.peaks = pyramid  # queries see cells as they are filled in
    return pyramid


def _is_whole_source(samples: BlockSequence, pyramid: PeakPyramid) -> bool:
    """True when `samples` are exactly `pyramid`'s source, unedited, start to end."""
    blocks = samples.blocks
    return (len(blocks) == 1 and blocks[0].source is pyramid.source
            and blocks[0].start == 0 and blocks[0].length == pyramid.source.frames)

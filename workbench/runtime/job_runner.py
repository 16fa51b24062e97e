"""Runs tasks on worker threads and reports back on the GUI thread.

Three lanes: a CPU pool (peaks, spectrogram tiles, file decoding), a single
GPU lane for torch work, so that two models never fight over one device, and a
single "live" lane for a second model that must keep up with a recording while
the GPU lane is held by another for the whole take (live classes beside live words).
The runner owns its thread pools; `shutdown()` cancels and joins everything.
All signals of JobHandle are delivered on the thread that owns the handle
(the GUI thread), through Qt's queued connections.
"""

from __future__ import annotations

import functools
import time

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from workbench.core.jobs import Cancelled, CancelToken, JobRequest, Partial, Progress, Task
from workbench.runtime.gui_thread_gc import collect_garbage_on_gui_thread
from workbench.runtime.torch_import import ensure_torch_imported

PROGRESS_INTERVAL_S = 0.05  # at most 20 progress updates a second reach the GUI


class JobHandle(QObject):
    """One submitted job.  Exactly one of finished/failed/cancelled is emitted."""

    started = Signal()
    progressed = Signal(object)  # Progress
    partial_ready = Signal(object)  # Partial.value
    finished = Signal(object)  # the task's return value
    failed = Signal(object)  # the exception
    cancelled = Signal()
    # After any of the three above, with the handle itself: listeners should use
    # it rather than a closure over the handle (Qt keeps connections where the
    # garbage collector cannot see them, so such a closure would never be freed).
    ended = Signal(object)

    def __init__(self, request: JobRequest, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.request = request
        self.token = CancelToken()
        self.state = "queued"  # queued, running, finished, failed, cancelled
        self.last_progress: Progress | None = None
        self.started_at: float | None = None
        self.error: BaseException | None = None
        self.result = None
        # Bound methods of this QObject run on its (the GUI) thread, queued.
        self.started.connect(self._on_started)
        self.progressed.connect(self._on_progressed)
        self.finished.connect(self._on_finished)
        self.failed.connect(self._on_failed)
        self.cancelled.connect(self._on_cancelled)

    def cancel(self) -> None:
        """Ask the task to stop at its next check; it acknowledges with `cancelled`."""
        self.token.set()

    @property
    def done(self) -> bool:
        return self.state in ("finished", "failed", "cancelled")

    def _on_started(self) -> None:
        self.state = "running"
        self.started_at = time.monotonic()

    def _on_progressed(self, progress: Progress) -> None:
        self.last_progress = progress

    def _on_finished(self, result) -> None:
        self._end("finished", result=result)

    def _on_failed(self, error) -> None:
        self._end("failed", error=error)

    def _on_cancelled(self) -> None:
        self._end("cancelled")

    def _end(self, state: str, result=None, error=None) -> None:
        self.state, self.result, self.error = state, result, error
        self.ended.emit(self)


class _Worker(QRunnable):
    """Drives one task generator on a pool thread; never touches widgets."""

    def __init__(self, handle: JobHandle, task: Task) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.handle = handle
        self._task = task

    def run(self) -> None:
        try:
            self._drive(self.handle, self._task)
        finally:
            # PySide may keep this wrapper after the pool is done with it: let go of the
            # job (and whatever its task captured, audio or a model) at once.
            self.handle = self._task = None

    @staticmethod
    def _drive(h: JobHandle, task: Task) -> None:
        if h.token.is_set:
            h.cancelled.emit()
            return
        h.started.emit()
        last_emit, fraction_sent = 0.0, False
        gen = None
        try:
            if h.request.lane != "cpu":  # torch work: see torch_import.py for why this first
                ensure_torch_imported()
            gen = task(h.token)
            while True:
                try:
                    item = next(gen)
                except StopIteration as stop:
                    result = stop.value
                    break
                h.token.check()
                if isinstance(item, Partial):
                    h.partial_ready.emit(item.value)
                elif isinstance(item, Progress):
                    # Throttled, but the first measured step and the end always get
                    # through, so even a quick job shows how it went.
                    now = time.monotonic()
                    first_fraction = item.fraction is not None and not fraction_sent
                    if (now - last_emit >= PROGRESS_INTERVAL_S or first_fraction
                            or item.fraction == 1.0):
                        last_emit = now
                        fraction_sent = fraction_sent or item.fraction is not None
                        h.progressed.emit(item)
            h.token.check()  # a cancel that came during the last chunk still wins
        except Cancelled:
            try:
                if gen is not None:
                    # The task's clean-up (a training's checkpoint) is done before
                    # anyone hears that it was cancelled.
                    gen.close()
            except Exception as exc:
                h.failed.emit(exc)
                return
            h.cancelled.emit()
            return
        except Exception as exc:  # reported to the user via the failed signal
            h.failed.emit(exc)
            return
        h.finished.emit(result)


class JobRunner(QObject):
    """Submits tasks to the CPU pool or the GPU lane and keeps track of live jobs."""

    job_submitted = Signal(object)  # JobHandle
    job_ended = Signal(object)  # JobHandle

    def __init__(self, cpu_threads: int | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Worker threads must never be the ones that free garbage holding Qt objects.
        collect_garbage_on_gui_thread()
        self._pools = {"cpu": QThreadPool(self), "gpu": QThreadPool(self),
                       "live": QThreadPool(self)}
        if cpu_threads:
            self._pools["cpu"].setMaxThreadCount(cpu_threads)
        self._pools["gpu"].setMaxThreadCount(1)
        self._pools["live"].setMaxThreadCount(1)
        self._live: list[JobHandle] = []
        self._closed = False

    def submit(self, request: JobRequest, task: Task) -> JobHandle:
        """Queue `task`; it starts once control returns to the event loop.

        Starting later rather than now means the caller can connect to the
        handle's signals first: a fast task can never finish unheard.
        """
        handle = JobHandle(request)  # owned by Python refs, not by the runner
        handle.ended.connect(self._on_handle_ended)
        self._live.append(handle)
        self.job_submitted.emit(handle)
        worker = _Worker(handle, task)
        QTimer.singleShot(0, self, functools.partial(self._start, worker, request.lane))
        return handle

    def _start(self, worker: _Worker, lane: str) -> None:
        if self._closed:  # shut down meanwhile: never start a thread after shutdown()
            worker.handle.cancelled.emit()
        else:
            self._pools[lane].start(worker)

    @property
    def cpu_threads(self) -> int:
        return self._pools["cpu"].maxThreadCount()

    @property
    def live_jobs(self) -> list[JobHandle]:
        return list(self._live)

    def cancel_all(self) -> None:
        for h in self._live:
            h.cancel()

    def is_idle(self) -> bool:
        return not self._live

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel every job and wait for the worker threads; True when all stopped."""
        self._closed = True
        self.cancel_all()
        ok = all(pool.waitForDone(timeout_ms) for pool in self._pools.values())
        for pool in self._pools.values():
            pool.clear()
        return ok

    def _on_handle_ended(self, handle: JobHandle) -> None:
        if handle in self._live:
            self._live.remove(handle)
        self.job_ended.emit(handle)

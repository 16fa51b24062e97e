"""The writer thread of one take: a bounded queue in, a crash-safe WAV out.

The capture thread calls `push` with each block and never waits: if the queue
already holds `queue_limit_frames` (the disk stalled), the block is dropped,
silence takes its place and a WRITER_STALLED dropout records where.  Every
block gets its take position when it is pushed, so nothing after a dropout
moves.  The writer thread writes what is queued, flushes (header + fsync) at
least every `flush_interval_s`, and rewrites the sidecar when dropouts change,
so a killed process loses at most the last flush interval of audio.

Memory is bounded by the queue limit, however long the recording runs.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from workbench.core.audio.wav_writer import RIFF_LIMIT, WavWriter
from workbench.core.storage.take_recovery import (
    Dropout,
    DropoutCause,
    TakeSidecar,
    mark_finished,
    write_sidecar,
)

FLUSH_INTERVAL_S = 0.25


class TakeWriter:
    """Owns the writer thread for one take, from `start()` to `finish()`.

    `push`/`push_silence` are called by the capture thread, `finish` by the
    owner (the recorder, on the GUI thread).  `on_failed(exc)` is called from
    the writer thread when writing fails (disk full); the file then holds, with
    a valid header, every frame written before the failure, and later pushes
    are ignored.
    """

    def __init__(self, sidecar: TakeSidecar, queue_limit_frames: int,
                 flush_interval_s: float = FLUSH_INTERVAL_S, rf64_threshold: int = RIFF_LIMIT,
                 on_failed: Callable[[BaseException], None] | None = None) -> None:
        self.sidecar = sidecar
        self.queue_limit_frames = queue_limit_frames
        self.flush_interval_s = flush_interval_s
        self._on_failed = on_failed
        self._writer = WavWriter(sidecar.wav_path, sidecar.sample_rate, sidecar.channels,
                                 sidecar.sample_format, rf64_threshold)
        self._cond = threading.Condition()
        self._items: deque[np.ndarray | int] = deque()  # audio blocks, or counts of silence
        self._queued_frames = 0  # audio frames queued or being written
        self._assigned = 0  # take frames handed out (audio and silence)
        self._dropouts: list[Dropout] = []
        self._stopping = False
        self._dropping = False  # the queue overflowed and has not drained to half yet
        self._error: BaseException | None = None
        self._peak_queued = 0
        self._thread = threading.Thread(target=self._run, name="take-writer", daemon=True)

    # -- capture thread ------------------------------------------------------------
    def push(self, block: np.ndarray) -> bool:
        """Queue a block of frames in the take's sample format; never blocks.

        Returns False when the block was replaced by silence (queue full) or
        ignored (the writer failed or is finishing).
        """
        n = len(block)
        with self._cond:
            if self._error is not None or self._stopping or n == 0:
                return False
            # Once full, drop until the queue is half empty again: one stall makes
            # one dropout, not a run of them with scraps of audio in between.
            room = self.queue_limit_frames // 2 if self._dropping else self.queue_limit_frames
            accepted = self._queued_frames + n <= room
            self._dropping = not accepted
            if accepted:
                self._items.append(block)
                self._queued_frames += n
                self._peak_queued = max(self._peak_queued, self._queued_frames)
                self._assigned += n
            else:
                self._silence_locked(n, DropoutCause.WRITER_STALLED)
            self._cond.notify()
            return accepted

    def push_silence(self, count: int, cause: DropoutCause) -> None:
        """Record `count` frames of lost input as silence at the current position."""
        with self._cond:
            if self._error is None and not self._stopping and count > 0:
                self._silence_locked(count, cause)
                self._cond.notify()

    # -- owner ---------------------------------------------------------------------------
    def start(self) -> None:
        write_sidecar(self.sidecar)
        self._thread.start()

    @property
    def frames(self) -> int:
        """Take frames so far (audio and silence), whether written yet or not."""
        with self._cond:
            return self._assigned

    @property
    def queued_frames(self) -> int:
        with self._cond:
            return self._queued_frames

    @property
    def peak_queued_frames(self) -> int:
        """The most audio frames ever waiting at once (memory use, for tests and benches)."""
        with self._cond:
            return self._peak_queued

    @property
    def dropouts(self) -> tuple[Dropout, ...]:
        with self._cond:
            return tuple(self._dropouts)

    @property
    def error(self) -> BaseException | None:
        with self._cond:
            return self._error

    def wait_for_room(self, frames: int, timeout: float | None = None) -> bool:
        """Block until `frames` more fit in the queue.

        For producers that may wait (imports, simulations); capture never calls it.
        """
        with self._cond:
            return self._cond.wait_for(
                lambda: self._queued_frames + frames <= self.queue_limit_frames
                or self._error is not None, timeout)

    def finish(self, timeout: float | None = None) -> tuple[int, tuple[Dropout, ...]]:
        """Write what is queued, close the file, mark the take finished; returns
        (frames in the file, dropouts)."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread.ident is not None:  # started
            self._thread.join(timeout)
        try:
            self._writer.close()
        except OSError:
            pass  # the failure was reported; the header describes what reached the disk
        dropouts = self.dropouts
        try:
            self.sidecar = mark_finished(self.sidecar, dropouts)
        except OSError:
            pass  # the take stays marked "recording" and is offered for recovery
        return self._writer.frames, dropouts

    # -- writer thread --------------------------------------------------------------------
    def _silence_locked(self, count: int, cause: DropoutCause) -> None:
        start = self._assigned
        last = self._dropouts[-1] if self._dropouts else None
        if last is not None and last.stop == start and last.cause is cause:
            self._dropouts[-1] = replace(last, stop=start + count)
        else:
            self._dropouts.append(Dropout(start, start + count, cause))
        if self._items and isinstance(self._items[-1], int):
            self._items[-1] += count
        else:
            self._items.append(count)
        self._assigned += count

    def _run(self) -> None:
        last_flush = time.monotonic()
        saved_dropouts: tuple[Dropout, ...] = ()
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._items or self._stopping,
                                    max(0.0, self.flush_interval_s
                                        - (time.monotonic() - last_flush)))
                items = list(self._items)
                self._items.clear()
                stopping = self._stopping
            try:
                audio = self._write(items)
                if stopping or time.monotonic() - last_flush >= self.flush_interval_s:
                    self._writer.flush()
                    last_flush = time.monotonic()
                    saved_dropouts = self._save_dropouts(saved_dropouts)
            except OSError as exc:
                self._fail(exc)
                return
            with self._cond:
                self._queued_frames -= audio
                self._cond.notify_all()
            if stopping and not items:
                return

    def _write(self, items: list[np.ndarray | int]) -> int:
        """Write queued items in order; returns how many audio frames that was."""
        audio = 0
        run: list[np.ndarray] = []
        for item in items + [0]:
            if isinstance(item, int):
                if run:  # one system call for a run of consecutive blocks
                    self._writer.write(np.concatenate(run) if len(run) > 1 else run[0])
                    audio += sum(len(b) for b in run)
                    run = []
                if item:
                    self._writer.write_silence(item)
            else:
                run.append(item)
        return audio

    def _save_dropouts(self, saved: tuple[Dropout, ...]) -> tuple[Dropout, ...]:
        """Rewrite the sidecar when the dropouts changed, so recovery knows them too."""
        dropouts = self.dropouts
        if dropouts != saved:
            write_sidecar(replace(self.sidecar, dropouts=dropouts))
        return dropouts

    def _fail(self, exc: BaseException) -> None:
        with self._cond:
            self._error = exc
            self._items.clear()
            self._queued_frames = 0
            self._cond.notify_all()
        if self._on_failed is not None:
            self._on_failed(exc)

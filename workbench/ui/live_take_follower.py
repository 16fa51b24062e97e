"""Following the recorder's takes for a live model: what live words and live classes share.

While the recorder records an ordinary take, its samples go to a live job of that take
(a runtime `LiveTakeJob`, made by the family); the family shows the results so far in
its line under the recording monitor's views.  When the take stops, the job drains and
emits its final result; once the take is in a document (`take_placed`) that result is
applied to it over the take's span (one undoable step) like the family's own task.
Each take has its own job, matched to its placement by the take's file, so a new take
can start while the last one is still being finished.  An empty take goes nowhere.

A family subclasses `LiveTakeFollower` with its job, its model task's name and how it
shows results (`_take_started`, `_show_so_far`, `_show_final`, `_failure_text`).

GUI thread only; owns the live jobs and the monitor's line.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from workbench.core.storage.take_recovery import TakePurpose
from workbench.runtime.live_take_job import LiveTakeJob
from workbench.runtime.model_jobs import ModelJob
from workbench.runtime.recorder import RecorderState


@dataclass
class LiveTake:
    """One take's live job, its final result and where the take went."""

    service: LiveTakeJob
    rate: int
    final: object | None = None
    placed: tuple | None = None  # (document, first frame, Take)


class LiveTakeFollower(QObject):
    """Live results for `window` (a MainWindow); `model()` names the model to use."""

    task_name: str  # the model task whose result is applied to the take ("classify"…)

    def __init__(self, window, model, label_name: str) -> None:
        super().__init__(window)
        self.window, self._model = window, model
        self.label = QLabel()
        self.label.setObjectName(label_name)
        self.label.setWordWrap(True)
        window.transport.monitor.add_row(self.label)
        self._takes: dict[str, LiveTake] = {}  # by the take's file
        self._current: str | None = None  # the take being recorded
        recorder = window.recorder
        recorder.state_changed.connect(self._on_recorder_state_changed)
        recorder.samples_arrived.connect(self._on_recorder_samples_arrived)
        recorder.take_finished.connect(self._on_recorder_take_finished)
        window.transport.take_placed.connect(self._on_transport_take_placed)

    # -- what each family says -------------------------------------------------------

    def _new_service(self) -> LiveTakeJob:
        raise NotImplementedError

    def _take_started(self) -> None:
        """A new take is being listened to: clear what the line showed."""
        raise NotImplementedError

    def _show_so_far(self, take: LiveTake, result) -> None:
        raise NotImplementedError

    def _show_final(self, result) -> None:
        raise NotImplementedError

    def _failure_text(self, error) -> str:
        raise NotImplementedError

    def _worth_applying(self, result) -> bool:
        return True

    # -- the takes ---------------------------------------------------------------------

    def is_idle(self) -> bool:
        """True when no take is being listened to or finished."""
        return not self._takes

    def _on_recorder_state_changed(self, state: RecorderState) -> None:
        recorder = self.window.recorder
        # A Record Example take is a training example (a whistle, a door): its class is
        # the one the user named, and its words would be noise.
        if (state is RecorderState.RECORDING and self._current is None
                and recorder.take_purpose is TakePurpose.ORDINARY):
            self._listen(str(recorder.take_path), recorder.sample_rate)
        elif state is RecorderState.IDLE and self._current is not None:
            take = self._takes.get(self._current)
            self._current = None
            if take is not None:
                take.service.end()  # the recorder has drained its last samples to us

    def _listen(self, key: str, rate: int) -> None:
        service = self._new_service()
        service.so_far_signal().connect(functools.partial(self._on_service_so_far, key))
        service.finished.connect(functools.partial(self._on_service_finished, key))
        service.failed.connect(functools.partial(self._on_service_failed, key))
        self._takes[key] = LiveTake(service, rate)
        self._current = key
        self._take_started()
        service.start(rate, self._model())

    def _on_recorder_samples_arrived(self, first_frame: int, frames) -> None:
        take = self._takes.get(self._current) if self._current else None
        if take is not None:
            take.service.feed(first_frame, frames)

    def _on_service_so_far(self, key: str, result) -> None:
        take = self._takes.get(key)
        if key == self._current and take is not None:
            self._show_so_far(take, result)

    def _on_service_finished(self, key: str, result) -> None:
        take = self._takes.get(key)
        if take is None:
            return
        take.final = result
        if self._current is None:  # no newer take on the line
            self._show_final(result)
        self._apply(key)

    def _on_service_failed(self, key: str, error) -> None:
        if self._current in (None, key):
            self.label.setText(self._failure_text(error))
        self._drop(key)

    def _on_recorder_take_finished(self, take) -> None:
        if take.frames <= 0:  # an empty take goes nowhere
            self._drop(str(take.path))

    def _on_transport_take_placed(self, document, first_frame: int, take) -> None:
        entry = self._takes.get(str(take.path))
        if entry is not None:
            entry.placed = (document, first_frame, take)
            self._apply(str(take.path))

    def _apply(self, key: str) -> None:
        """Put the take's result into its document once both are known."""
        entry = self._takes.get(key)
        if entry is None or entry.final is None or entry.placed is None:
            return
        (document, at, take), result = entry.placed, entry.final
        self._drop(key)
        if not self._worth_applying(result) or document.sample_rate != take.sample_rate:
            return
        stop = min(document.frames, at + take.frames)
        job = ModelJob(None, self.task_name, document, at, stop, document.audio_revision,
                       result.model)
        self.window.model_jobs.apply_result(job, result.placed(at / document.sample_rate))

    def _drop(self, key: str) -> None:
        entry = self._takes.pop(key, None)
        if entry is not None:
            entry.service.cancel()
            entry.service.deleteLater()

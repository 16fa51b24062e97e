"""Classes while recording: on the recording monitor as they are heard, then in the take.

While the recorder records, its samples go to a `LiveClassification` (runtime) of that
take on the live lane; the classes heard so far show as a coloured line under the
recording monitor's views (the newest segments, each with its class and times:
`classes_changed`).  When the take stops, what is queued is classified and the take's
end window added; once the take is in a document (`take_placed`) that classification
is applied to it over the take's span (one undoable step), so the take's class row
and "classes" tier show it like any classification.  Each take has its own
classification, matched to its placement by the take's file, so a new take can start
while the last one is still being finished.

GUI thread only.  Built by ClassifierUi; owns the classifications and the monitor's line.
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel

from workbench.core.analysis.results import Classification
from workbench.core.labels.class_colours import class_colour
from workbench.core.storage.take_recovery import TakePurpose
from workbench.runtime.live_classification import LiveClassification
from workbench.runtime.model_jobs import ModelJob
from workbench.runtime.recorder import RecorderState

SHOWN_SEGMENTS = 6  # the newest segments on the monitor's line


@dataclass
class _TakeClasses:
    """One take's classification, its final result and where the take went."""

    service: LiveClassification
    final: Classification | None = None
    placed: tuple | None = None  # (document, first frame, Take)


def segments_html(result: Classification) -> str:
    """The newest segments as coloured rich text: "tone 0.0–2.2 s · noise 2.2–3.4 s"."""
    parts = []
    for s in result.segments[-SHOWN_SEGMENTS:]:
        r, g, b = class_colour(s.label, result.labels)
        parts.append(f'<span style="color: rgb({r},{g},{b}); font-weight: bold">'
                     f"{html.escape(s.label)}</span> {s.start:.1f}\u2013{s.end:.1f} s")
    return " \u00b7 ".join(parts)


class LiveClasses(QObject):
    """Live classes for `window` (a MainWindow); `model()` names the classifier to use
    (None: the zoo's default)."""

    classes_changed = Signal(object)  # Classification of the take being recorded, so far

    def __init__(self, window, model) -> None:
        super().__init__(window)
        self.window, self._model = window, model
        self.label = QLabel()
        self.label.setObjectName("live-classes")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)  # class names in their colours
        self.label.setStyleSheet("font-size: 12pt;")
        window.transport.monitor.add_row(self.label)
        self.result: Classification | None = None  # the current take's classes so far
        self._takes: dict[str, _TakeClasses] = {}  # by the take's file
        self._current: str | None = None  # the take being recorded
        recorder = window.recorder
        recorder.state_changed.connect(self._on_recorder_state_changed)
        recorder.samples_arrived.connect(self._on_recorder_samples_arrived)
        recorder.take_finished.connect(self._on_recorder_take_finished)
        window.transport.take_placed.connect(self._on_transport_take_placed)

    def is_idle(self) -> bool:
        """True when no take is being classified or finished."""
        return not self._takes

    def _on_recorder_state_changed(self, state: RecorderState) -> None:
        recorder = self.window.recorder
        # A Record Example take's class is the one the user named, not the model's guess.
        if (state is RecorderState.RECORDING and self._current is None
                and recorder.take_purpose is TakePurpose.ORDINARY):
            self._listen(str(recorder.take_path), recorder.sample_rate)
        elif state is RecorderState.IDLE and self._current is not None:
            take = self._takes.get(self._current)
            self._current = None
            if take is not None:
                take.service.end()  # the recorder has drained its last samples to us

    def _listen(self, key: str, rate: int) -> None:
        service = LiveClassification(self.window.runner, self.window.model_jobs, self)
        service.classes_changed.connect(functools.partial(self._on_service_classes_changed,
                                                          key))
        service.finished.connect(functools.partial(self._on_service_finished, key))
        service.failed.connect(functools.partial(self._on_service_failed, key))
        self._takes[key] = _TakeClasses(service)
        self._current, self.result = key, None
        self.label.setText("Loading the classifier…")
        service.start(rate, self._model())

    def _on_recorder_samples_arrived(self, first_frame: int, frames) -> None:
        take = self._takes.get(self._current) if self._current else None
        if take is not None:
            take.service.feed(first_frame, frames)

    def _on_service_classes_changed(self, key: str, result: Classification) -> None:
        if key != self._current or key not in self._takes:
            return
        self.result = result
        self.label.setText(segments_html(result) or f"Classes ({result.model}): listening…")
        self.classes_changed.emit(result)

    def _on_service_finished(self, key: str, result: Classification) -> None:
        take = self._takes.get(key)
        if take is None:
            return
        take.final = result
        if self._current is None:  # no newer take on the line
            self.result = result
            self.label.setText(segments_html(result))
        self._apply(key)

    def _on_service_failed(self, key: str, error) -> None:
        if self._current in (None, key):
            self.label.setText(f"No live classes: {html.escape(str(error))}")
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
        """Put the take's classes into its document once both are known."""
        entry = self._takes.get(key)
        if entry is None or entry.final is None or entry.placed is None:
            return
        (document, at, take), result = entry.placed, entry.final
        self._drop(key)
        if document.sample_rate != take.sample_rate:
            return
        stop = min(document.frames, at + take.frames)
        job = ModelJob(None, "classify", document, at, stop, document.audio_revision,
                       result.model)
        self.window.model_jobs.apply_result(job, result.placed(at / document.sample_rate))

    def _drop(self, key: str) -> None:
        entry = self._takes.pop(key, None)
        if entry is not None:
            entry.service.cancel()
            entry.service.deleteLater()

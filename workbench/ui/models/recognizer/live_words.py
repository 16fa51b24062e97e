"""Words while recording: on the recording monitor as they are heard, then in the take.

While the recorder records, its samples go to a `LiveTranscription` (runtime) of that
take on the model lane; the words heard so far show in a line under the recording
monitor's views (`words_changed`).  When the take stops, what is queued is drained
and the whole take is decoded; once the take is in a document (`take_placed`) those
words are applied to it as a transcript of the take's span (one undoable step), so
they form the take's "words" tier like any transcript.  Each take has its own
transcription, matched to its placement by the take's file, so a new take can start
while the last one is still being decoded.  `word_latencies` holds, for each word of
the current take as it first showed, how many seconds of audio had been recorded past
its end: what the user waits for a word.

GUI thread only.  Built by RecognizerUi; owns the transcriptions and the monitor's line.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from workbench.core.analysis.results import Transcript
from workbench.core.storage.take_recovery import TakePurpose
from workbench.runtime.live_transcription import LiveTranscription
from workbench.runtime.model_jobs import ModelJob
from workbench.runtime.recorder import RecorderState

SHOWN_WORDS = 14  # the newest words on the monitor's line


@dataclass
class _TakeWords:
    """One take's transcription, its final words and where the take went."""

    service: LiveTranscription
    rate: int
    final: Transcript | None = None
    placed: tuple | None = None  # (document, first frame, Take)


class LiveWords(QObject):
    """Live words for `window` (a MainWindow); `model()` names the recognizer to use."""

    words_changed = Signal(list)  # the words of the take being recorded, as shown

    def __init__(self, window, model) -> None:
        super().__init__(window)
        self.window, self._model = window, model
        self.label = QLabel()
        self.label.setObjectName("live-words")
        self.label.setWordWrap(True)
        self.label.setStyleSheet("font-size: 14pt;")
        window.transport.monitor.add_row(self.label)
        self.words: list[str] = []  # the greedy words now on the line
        self.word_latencies: list[float] = []
        self._takes: dict[str, _TakeWords] = {}  # by the take's file
        self._current: str | None = None  # the take being recorded
        recorder = window.recorder
        recorder.state_changed.connect(self._on_recorder_state_changed)
        recorder.samples_arrived.connect(self._on_recorder_samples_arrived)
        recorder.take_finished.connect(self._on_recorder_take_finished)
        window.transport.take_placed.connect(self._on_transport_take_placed)

    def is_idle(self) -> bool:
        """True when no take is being listened to or decoded."""
        return not self._takes

    def _on_recorder_state_changed(self, state: RecorderState) -> None:
        recorder = self.window.recorder
        # A training example (a whistle, a door) is not speech: its words would be noise.
        if (state is RecorderState.RECORDING and self._current is None
                and recorder.take_purpose is TakePurpose.ORDINARY):
            self._listen(str(recorder.take_path), recorder.sample_rate)
        elif state is RecorderState.IDLE and self._current is not None:
            take = self._takes.get(self._current)
            self._current = None
            if take is not None:
                take.service.end()  # the recorder has drained its last samples to us

    def _listen(self, key: str, rate: int) -> None:
        service = LiveTranscription(self.window.runner, self.window.model_jobs, self)
        service.words_changed.connect(functools.partial(self._on_service_words_changed, key))
        service.finished.connect(functools.partial(self._on_service_finished, key))
        service.failed.connect(functools.partial(self._on_service_failed, key))
        self._takes[key] = _TakeWords(service, rate)
        self._current = key
        self.words, self.word_latencies = [], []
        self.label.setText("Loading the recognizer…")  # the first take imports torch
        service.start(rate, self._model())

    def _on_recorder_samples_arrived(self, first_frame: int, frames) -> None:
        take = self._takes.get(self._current) if self._current else None
        if take is not None:
            take.service.feed(first_frame, frames)

    def _on_service_words_changed(self, key: str, transcript: Transcript) -> None:
        take = self._takes.get(key)
        if key != self._current or take is None:
            return
        heard_s = take.service.frames_fed / take.rate
        for word in transcript.words[len(self.words):]:
            self.word_latencies.append(heard_s - word.end)
        self.words = [w.word for w in transcript.words]
        self.label.setText(" ".join(self.words[-SHOWN_WORDS:]) or "Listening…")
        self.words_changed.emit(self.words)

    def _on_service_finished(self, key: str, transcript: Transcript) -> None:
        take = self._takes.get(key)
        if take is None:
            return
        take.final = transcript
        if self._current is None:  # no newer take on the line
            self.label.setText(transcript.text)
        self._apply(key)

    def _on_service_failed(self, key: str, error) -> None:
        if self._current in (None, key):
            self.label.setText(f"No live words: {error}")
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
        """Put the take's words into its document once both are known."""
        entry = self._takes.get(key)
        if entry is None or entry.final is None or entry.placed is None:
            return
        (document, at, take), transcript = entry.placed, entry.final
        self._drop(key)
        if not transcript.words or document.sample_rate != take.sample_rate:
            return
        stop = min(document.frames, at + take.frames)
        job = ModelJob(None, "transcribe", document, at, stop, document.audio_revision,
                       transcript.model)
        self.window.model_jobs.apply_result(job, transcript.placed(at / document.sample_rate))

    def _drop(self, key: str) -> None:
        entry = self._takes.pop(key, None)
        if entry is not None:
            entry.service.cancel()
            entry.service.deleteLater()

"""Words while recording: on the recording monitor as they are heard, then in the take.

While the recorder records, its samples go to a `LiveTranscription` (runtime) on
the model lane; the words heard so far show in a line under the recording
monitor's views.  When the take stops, what is queued is drained and the whole take
is decoded; once the take is in a document (`take_placed`) those words are applied
to it as a transcript of the take's span (one undoable step), so they form the
take's "words" tier like any transcript.  `word_latencies` holds, for each word as
it first showed, how many seconds of audio had been recorded past its end: what
the user waits for a word.

GUI thread only.  Built by RecognizerUi; owns the service and the monitor's line.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel

from workbench.core.analysis.results import Transcript
from workbench.runtime.live_transcription import LiveTranscription
from workbench.runtime.model_jobs import ModelJob
from workbench.runtime.recorder import RecorderState

SHOWN_WORDS = 14  # the newest words on the monitor's line


class LiveWords(QObject):
    """Live words for `window` (a MainWindow); `model()` names the recognizer to use."""

    def __init__(self, window, model) -> None:
        super().__init__(window)
        self.window, self._model = window, model
        self.service = LiveTranscription(window.runner, window.model_jobs, self)
        self.label = QLabel()
        self.label.setObjectName("live-words")
        self.label.setWordWrap(True)
        self.label.setStyleSheet("font-size: 14pt;")
        window.transport.monitor.add_row(self.label)
        self.words: list[str] = []  # the greedy words now on the line
        self.word_latencies: list[float] = []
        self._rate = 0
        self._final: Transcript | None = None
        self._placed = None  # (document, first frame, take)
        recorder = window.recorder
        recorder.state_changed.connect(self._on_recorder_state_changed)
        recorder.samples_arrived.connect(self._on_recorder_samples_arrived)
        window.transport.take_placed.connect(self._on_transport_take_placed)
        self.service.words_changed.connect(self._on_service_words_changed)
        self.service.finished.connect(self._on_service_finished)
        self.service.failed.connect(self._on_service_failed)

    def _on_recorder_state_changed(self, state: RecorderState) -> None:
        recorder = self.window.recorder
        if state is RecorderState.RECORDING and not self.service.is_running():
            self._rate = recorder.sample_rate
            self.words, self.word_latencies = [], []
            self._final = self._placed = None
            self.label.setText("Loading the recognizer…")  # the first take imports torch
            self.service.start(self._rate, self._model())
        elif state is RecorderState.IDLE:
            self.service.end()  # the recorder has drained its last samples to us

    def _on_recorder_samples_arrived(self, first_frame: int, frames) -> None:
        if self.service.is_running():
            self.service.feed(first_frame, frames)

    def _on_service_words_changed(self, transcript: Transcript) -> None:
        heard_s = self.service.frames_fed / self._rate
        words = [w.word for w in transcript.words]
        for word in transcript.words[len(self.words):]:
            self.word_latencies.append(heard_s - word.end)
        self.words = words
        self.label.setText(" ".join(words[-SHOWN_WORDS:]) or "Listening…")

    def _on_service_finished(self, transcript: Transcript) -> None:
        self._final = transcript
        self.label.setText(transcript.text)
        self._apply()

    def _on_service_failed(self, error) -> None:
        self.label.setText(f"No live words: {error}")

    def _on_transport_take_placed(self, document, first_frame: int, take) -> None:
        self._placed = (document, first_frame, take)
        self._apply()

    def _apply(self) -> None:
        """Put the take's words into its document once both are known."""
        if self._final is None or self._placed is None:
            return
        (document, at, take), transcript = self._placed, self._final
        self._final = self._placed = None
        if not transcript.words or document.sample_rate != take.sample_rate:
            return
        stop = min(document.frames, at + take.frames)
        job = ModelJob(None, "transcribe", document, at, stop, document.audio_revision,
                       transcript.model)
        self.window.model_jobs.apply_result(job, transcript.placed(at / document.sample_rate))

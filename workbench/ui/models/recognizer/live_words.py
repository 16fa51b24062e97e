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

Following the recorder's takes and applying the result is `ui.live_take_follower`;
this holds the recognizer's part (its job, its line of words, the latencies).

GUI thread only.  Built by RecognizerUi; owns the transcriptions and the monitor's line.
"""

from __future__ import annotations

from PySide6.QtCore import Signal

from workbench.core.analysis.results import Transcript
from workbench.runtime.live_transcription import LiveTranscription
from workbench.ui.live_take_follower import LiveTake, LiveTakeFollower

SHOWN_WORDS = 14  # the newest words on the monitor's line


class LiveWords(LiveTakeFollower):
    """Live words for `window` (a MainWindow); `model()` names the recognizer to use."""

    words_changed = Signal(list)  # the words of the take being recorded, as shown
    task_name = "transcribe"

    def __init__(self, window, model) -> None:
        super().__init__(window, model, "live-words")
        self.label.setStyleSheet("font-size: 14pt;")
        self.words: list[str] = []  # the greedy words now on the line
        self.word_latencies: list[float] = []

    def _new_service(self) -> LiveTranscription:
        return LiveTranscription(self.window.runner, self.window.model_jobs, self)

    def _take_started(self) -> None:
        self.words, self.word_latencies = [], []
        self.label.setText("Loading the recognizer…")  # the first take imports torch

    def _show_so_far(self, take: LiveTake, transcript: Transcript) -> None:
        heard_s = take.service.frames_fed / take.rate
        for word in transcript.words[len(self.words):]:
            self.word_latencies.append(heard_s - word.end)
        self.words = [w.word for w in transcript.words]
        self.label.setText(" ".join(self.words[-SHOWN_WORDS:]) or "Listening…")
        self.words_changed.emit(self.words)

    def _show_final(self, transcript: Transcript) -> None:
        self.label.setText(transcript.text)

    def _failure_text(self, error) -> str:
        return f"No live words: {error}"

    def _worth_applying(self, transcript: Transcript) -> bool:
        return bool(transcript.words)  # no empty transcript over a silent take

"""Live words through the PulseAudio loop-back: a synthesized sentence played into the
null sink is recorded from the virtual microphone; its words show on the recording
monitor while it records, and the take gets a words tier (the shipped recognizer)."""

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt

from tests.runtime.loopback import espeak_phrase
from tests.ui.conftest import open_and_wait
from tests.ui.models.conftest import play_into_sink
from workbench.core.document.selection import Selection
from workbench.runtime.recorder import RecorderState
from workbench.ui.models.recognizer.transcript_panel import words_tier

SENTENCE = "please record a short take of my voice now"
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def sentence(tmp_path):
    data, rate = espeak_phrase(tmp_path / "espeak.wav", SENTENCE)
    path = tmp_path / "sentence.wav"
    sf.write(path, np.concatenate([data, np.zeros(rate // 2, np.float32)]), rate)
    return path


def record_sentence(qtbot, window, audio_server, sentence, start_key):
    """Record while the sentence plays; returns the words seen while recording."""
    live = window.recognizer_ui.live
    seen_while_recording = []
    live.words_changed.connect(
        lambda words: seen_while_recording.append(len(words))
        if window.recorder.state is RecorderState.RECORDING else None)
    start_key()
    assert window.recorder.state is RecorderState.RECORDING
    assert live.label.isVisible() and live.label.text() == "Loading the recognizer…"
    qtbot.waitUntil(lambda: live.label.text() == "Listening…", timeout=20000)
    player = play_into_sink(audio_server, sentence)
    try:
        qtbot.waitUntil(lambda: len(live.words) >= 3, timeout=15000)
        assert window.recorder.state is RecorderState.RECORDING
        assert len(live.label.text().split()) >= 3  # shown on the monitor
    finally:
        player.wait()
    qtbot.keyClick(window, Qt.Key.Key_R)  # stop: the queued audio is drained
    assert window.recorder.state is RecorderState.IDLE
    return seen_while_recording


def test_words_appear_while_recording_and_each_new_take_gets_a_words_tier(
        qtbot, loopback_window, audio_server, sentence):
    window = loopback_window
    seen = record_sentence(qtbot, window, audio_server, sentence,
                           lambda: qtbot.keyClick(window, Qt.Key.Key_R, SHIFT))
    assert seen and max(seen) >= 3
    live = window.recognizer_ui.live
    first_words, latencies = list(live.words), list(live.word_latencies)
    # A second take at once, while the first may still be decoding: both get their words.
    record_sentence(qtbot, window, audio_server, sentence,
                    lambda: qtbot.keyClick(window, Qt.Key.Key_R, SHIFT))
    qtbot.waitUntil(lambda: len(window.open_documents) == 2, timeout=10000)
    for entry in window.open_documents:
        doc = entry.document
        qtbot.waitUntil(lambda d=doc: words_tier(d) is not None, timeout=20000)
        words = [label.text for label in words_tier(doc).labels]
        assert len(words) >= 5
        # The shipped model is undertrained (see its card), but hears some of the sentence.
        assert len(set(words) & set(SENTENCE.split())) >= 2, words
        # Every frame of the take reached the recognizer: nothing queued was left out.
        assert doc.analyses["transcribe"].span == (0.0, pytest.approx(doc.duration,
                                                                       abs=1e-6))
    qtbot.waitUntil(window.is_idle, timeout=20000)  # the takes' peaks, posteriorgrams
    print(f"live words: {first_words}; final: {words}; latencies (s): "
          f"{[round(x, 2) for x in latencies]}")


def test_a_take_recorded_into_a_document_gets_its_words_at_the_take(
        qtbot, loopback_window, audio_server, sentence, tone_file):
    window = loopback_window
    entry = open_and_wait(qtbot, window, tone_file)
    doc = entry.document
    doc.set_selection(Selection(doc.sample_rate, doc.sample_rate))  # the cursor at 1 s
    record_sentence(qtbot, window, audio_server, sentence,
                    lambda: qtbot.keyClick(window, Qt.Key.Key_R))
    qtbot.waitUntil(lambda: words_tier(doc) is not None, timeout=20000)
    labels = words_tier(doc).labels
    assert labels and all(label.start >= doc.sample_rate for label in labels)
    assert doc.frames > 3 * doc.sample_rate  # the take went in at the cursor
    # The take's live classes (classifier room) are a step of their own, in either order.
    qtbot.waitUntil(window.classifier_ui.live.is_idle, timeout=20000)
    assert entry.history.labels[-3].startswith("Record ")
    assert sorted(label.split()[0] for label in entry.history.labels[-2:]) == [
        "Classify", "Transcribe"]
    entry.history.undo()
    entry.history.undo()  # the words and classes go, the take stays
    assert words_tier(doc) is None and doc.frames > 3 * doc.sample_rate
    qtbot.waitUntil(window.is_idle, timeout=20000)

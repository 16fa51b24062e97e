"""Live classes through the PulseAudio loop-back: a tone and then noise played into the
null sink are recorded from the virtual microphone; their classes show on the recording
monitor while it records (the shipped classifier, beside live words on the model lane),
and the take gets its class row and "classes" tier, the same as classifying the take."""

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt

from tests.ui.models.conftest import play_into_sink
from workbench.core.jobs import run_to_completion
from workbench.core.labels.class_tier import CLASSES_TIER
from workbench.ml.model_tasks import MODEL_TASKS, run_model_task
from workbench.runtime.recorder import RecorderState

SHIFT = Qt.KeyboardModifier.ShiftModifier
RATE = 16000


def sound_file(path, kind, seconds=2.5):
    t = np.arange(int(seconds * RATE)) / RATE
    if kind == "tone":
        data = 0.3 * np.sin(2 * np.pi * 660 * t)
    else:
        data = 0.15 * np.random.default_rng(0).standard_normal(len(t))
    sf.write(path, data.astype(np.float32), RATE)
    return path


def labels_of(result, after_s=0.0):
    return {s.label for s in result.segments if s.end > after_s} if result else set()


def test_classes_fill_in_while_recording_and_the_take_keeps_them(
        qtbot, loopback_window, audio_server, tmp_path):
    window = loopback_window
    live = window.classifier_ui.live
    tone, noise = sound_file(tmp_path / "tone.wav", "tone"), sound_file(tmp_path / "noise.wav",
                                                                       "noise")
    qtbot.keyClick(window, Qt.Key.Key_R, SHIFT)
    assert window.recorder.state is RecorderState.RECORDING
    assert live.label.isVisible() and live.label.text() == "Loading the classifier…"
    qtbot.waitUntil(lambda: live.result is not None, timeout=20000)  # loaded, listening
    for path, label in ((tone, "tone"), (noise, "noise")):
        heard_from = window.recorder.frames_recorded() / window.recorder.sample_rate
        player = play_into_sink(audio_server, path)
        try:
            qtbot.waitUntil(lambda lab=label, t=heard_from: lab in labels_of(live.result, t),
                            timeout=15000)
            assert window.recorder.state is RecorderState.RECORDING
            assert label in live.label.text()  # shown on the monitor
        finally:
            player.wait()
    while_recording = live.result
    qtbot.keyClick(window, Qt.Key.Key_R)  # stop: the queued audio is classified
    assert window.recorder.state is RecorderState.IDLE
    qtbot.waitUntil(lambda: len(window.open_documents) == 1, timeout=10000)
    entry = window.open_documents[0]
    doc = entry.document
    qtbot.waitUntil(lambda: "classify" in doc.analyses, timeout=20000)
    result = doc.analyses["classify"]
    # Every frame of the take was classified, with the windows the classify task lays
    # on the finished take (its resampler differs: close, not equal).
    whole = run_to_completion(lambda c: run_model_task(
        MODEL_TASKS["classify"], doc.tracks[0].samples, doc.sample_rate, c,
        zoo=window.model_jobs.zoo, device="cpu"))
    assert result.span == pytest.approx(whole.span)
    assert result.span == pytest.approx((0.0, doc.duration), abs=1 / RATE)
    np.testing.assert_allclose(result.window_starts, whole.window_starts)
    np.testing.assert_allclose(result.probabilities, whole.probabilities, atol=0.05)
    assert len(result.probabilities) > len(while_recording.probabilities)
    # What was shown while recording stays, but for the newest windows: the context layer
    # re-scores those as the windows after them come in.
    radius = window.model_jobs.zoo.entry("classifier").card.config["context_radius"]
    settled = len(while_recording.probabilities) - radius
    assert settled > 0
    np.testing.assert_allclose(result.probabilities[:settled],
                               while_recording.probabilities[:settled], atol=1e-5)
    assert {"tone", "noise"} <= labels_of(result)
    timeline = window.classifier_ui.timeline_for(doc)
    qtbot.waitUntil(lambda: timeline.result is result, timeout=5000)
    assert timeline.isVisible()
    tier = next(t for t in doc.label_tiers if t.name == CLASSES_TIER)
    assert {"tone", "noise"} <= {label.text for label in tier.labels}
    # One undo step of its own (live words add theirs, in either order).
    assert any(label.startswith("Classify ") for label in entry.history.labels[-2:])
    qtbot.waitUntil(window.is_idle, timeout=30000)

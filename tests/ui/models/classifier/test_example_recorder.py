"""Record Example in the train dialog: a take through the real recorder (PulseAudio loop-back)
lands at the end of the recording, labelled with the class, as one undo step."""

import numpy as np
import pytest
import soundfile as sf

from tests.labelled_sounds import RATE, labelled_recording
from tests.ui.conftest import open_and_wait
from tests.ui.models.conftest import play_into_sink
from workbench.core.document.analysis_commands import WORDS_TIER
from workbench.runtime.live_classification import LIVE_CLASSIFY_KIND
from workbench.runtime.live_transcription import LIVE_KIND


@pytest.fixture
def loud_whistle(tmp_path):
    """1.5 s of a 2 kHz tone at -6 dBFS to play into the null sink."""
    t = np.arange(int(1.5 * 48000)) / 48000
    path = tmp_path / "whistle.wav"
    sf.write(path, (0.5 * np.sin(2 * np.pi * 2000 * t)).astype(np.float32), 48000)
    return path


@pytest.fixture
def recording_window(qtbot, loopback_window, tmp_path):
    window = loopback_window
    audio, tier = labelled_recording(per_class=2)
    sf.write(tmp_path / "sounds.wav", audio, RATE)
    entry = open_and_wait(qtbot, window, tmp_path / "sounds.wav")
    entry.document.set_label_tiers([tier])
    return window, entry


def test_record_example_appends_a_labelled_take_to_the_tier(qtbot, recording_window,
                                                            loud_whistle, audio_server):
    window, entry = recording_window
    document = entry.document
    frames_before, undo_before = document.frames, len(entry.history.labels)
    dialog = window.classifier_ui.train_dialog()
    assert [dialog.class_combo.itemText(i) for i in range(dialog.class_combo.count())] == \
        ["beep", "hiss"]
    dialog.class_combo.setEditText("whistle")
    submitted = []
    window.runner.job_submitted.connect(lambda handle: submitted.append(handle.request.kind))
    dialog.record_button.click()
    assert window.recorder.is_recording() and dialog.record_button.text().startswith("\u25a0")
    assert play_into_sink(audio_server, loud_whistle).wait() == 0
    with qtbot.waitSignal(dialog.examples.example_added, timeout=10000):
        dialog.record_button.click()
    assert not window.recorder.is_recording()
    assert dialog.record_button.text().startswith("\u25cf")
    tier = document.label_tiers[0]
    whistle = [lab for lab in tier.labels if lab.text == "whistle"]
    assert len(whistle) == 1
    assert whistle[0].start == frames_before and whistle[0].end == document.frames
    recorded = document.tracks[0].samples.read(whistle[0].start, whistle[0].end)
    assert np.abs(recorded).max() > 0.2  # the whistle came through the loop-back
    assert dialog.tier_combo.currentText() == "classes (beep ×2, hiss ×2, whistle ×1)"
    assert "whistle" in [dialog.class_combo.itemText(i)
                         for i in range(dialog.class_combo.count())]
    assert len(entry.history.labels) == undo_before + 2  # the take, then its label
    # A whistle is no speech: the example is not transcribed (no live words, no words
    # tier); nor classified: its class is the one the user named.
    qtbot.waitUntil(window.is_idle, timeout=60000)
    assert LIVE_KIND not in submitted and LIVE_CLASSIFY_KIND not in submitted
    assert len(entry.history.labels) == undo_before + 2
    assert WORDS_TIER not in [t.name for t in document.label_tiers]
    entry.history.undo()
    assert not [lab for lab in document.label_tiers[0].labels if lab.text == "whistle"]
    dialog.close()


def test_record_example_without_a_class_name_says_so_and_records_nothing(
        qtbot, recording_window):
    window, _entry = recording_window
    dialog = window.classifier_ui.train_dialog()
    dialog.class_combo.setEditText("")
    dialog.record_button.click()
    assert not window.recorder.is_recording() and not dialog.record_button.isChecked()
    assert "Type the class" in dialog.status.text()
    dialog.close()

"""Models > Adapt Recognizer to This Recording…: a tiny test-made recognizer fine-tuned on
the document's words tier in a few steps, with a live loss plot; the copy joins the zoo,
the panel offers it and transcribes with it; Cancel writes nothing."""

import numpy as np
import pytest
import soundfile as sf

from tests.tiny_models import make_zoo
from tests.ui.conftest import open_and_wait
from workbench.core.analysis.results import Transcript, Word
from workbench.core.settings import Settings
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.model_jobs import ModelJob, ModelJobService
from workbench.training.synth.speech import ESPEAK, SpeechParams, Voice, synthesize_speech

RATE = 16000


@pytest.fixture
def speech_file(tmp_path):
    clip = synthesize_speech("open the window", RATE, Voice(ESPEAK, "en-us", None),
                             SpeechParams(160, 50, 0)).audio
    path = tmp_path / "talk.wav"
    sf.write(path, np.concatenate([np.zeros(RATE // 2), clip, np.zeros(RATE // 2)]), RATE)
    return path, 0.5, 0.5 + len(clip) / RATE


@pytest.fixture
def adapt_window(qtbot, runner, tmp_path, speech_file):
    from workbench.ui.shell.main_window import MainWindow

    zoo = ModelZoo(make_zoo(tmp_path / "zoo", enhancer=False, classifier=False),
                   tmp_path / "user-zoo")
    window = MainWindow(runner, Settings(), model_jobs=ModelJobService(
        runner, zoo, ModelCache(), "cpu"))
    qtbot.addWidget(window)
    window.resize(1200, 900)
    window.show()
    path, start, end = speech_file
    entry = open_and_wait(qtbot, window, path)
    doc = entry.document
    third = (end - start) / 3
    words = [Word(w, start + i * third, start + (i + 1) * third, 0.9)
             for i, w in enumerate(("open", "the", "window"))]
    job = ModelJob(None, "transcribe", doc, 0, doc.frames, doc.audio_revision,
                   "tiny-recognizer")
    window.model_jobs.apply_result(job, Transcript.from_words(words, "tiny-recognizer", "cpu",
                                                              0.0, (0.0, doc.duration)))
    return window, entry


def test_adapting_plots_the_loss_and_the_copy_transcribes(qtbot, adapt_window):
    window, entry = adapt_window
    ui = window.recognizer_ui
    ui.panel.model_box.setCurrentText("tiny-recognizer")
    dialog = ui.adapt_dialog()
    qtbot.waitExposed(dialog)
    assert dialog.base == "tiny-recognizer" and len(dialog.words) == 3
    assert "3 words" in dialog.status.text()
    dialog.name_edit.setText("talk-adapted")
    dialog.steps_spin.setValue(4)
    dialog.adapt_button.click()
    assert dialog.cancel_button.isEnabled() and not dialog.adapt_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.adapted_model is not None, timeout=60000)
    assert dialog.steps == [1, 2, 3, 4] and all(np.isfinite(dialog.losses))
    x, y = dialog.loss_curve.getData()
    assert list(x) == [1, 2, 3, 4]
    assert "talk-adapted" in ui.recognizer_names()
    assert ui.panel.chosen_model() == "talk-adapted"
    result = lambda: entry.document.analyses.get("transcribe")  # noqa: E731
    qtbot.waitUntil(lambda: result().model == "talk-adapted", timeout=30000)
    assert "joined the models" in dialog.status.text()
    assert ui.adapt_dialog() is dialog  # one dialog per document
    qtbot.waitUntil(window.is_idle, timeout=30000)


def test_cancel_stops_after_a_step_and_writes_nothing(qtbot, adapt_window):
    window, _entry = adapt_window
    dialog = window.recognizer_ui.adapt_dialog()
    dialog.name_edit.setText("never")
    dialog.steps_spin.setValue(2000)
    dialog.adapt_button.click()
    qtbot.waitUntil(lambda: len(dialog.steps) >= 1, timeout=60000)
    with qtbot.waitSignal(dialog.service.cancelled, timeout=20000):
        dialog.cancel_button.click()
    assert dialog.status.text().startswith("Cancelled")
    assert dialog.adapt_button.isEnabled() and dialog.adapted_model is None
    assert "never" not in window.recognizer_ui.recognizer_names()
    qtbot.waitUntil(window.is_idle, timeout=30000)

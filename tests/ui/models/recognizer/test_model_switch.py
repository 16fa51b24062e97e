"""The transcript panel switches between the zoo's recognizers to compare them on the
same audio: the chosen model transcribes, the words say which model made them, and
undo brings back the other model's words."""

import torch

from tests.tiny_models import RATE, RECOGNIZER_CONFIG, _card, _install, make_zoo
from tests.ui.conftest import open_and_wait
from workbench.core.settings import Settings
from workbench.ml.recognizer.net import CHARACTERS, CtcRecognizer
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.model_jobs import ModelJobService

ADAPTED = "tiny-recognizer-adapted"


def two_recognizer_zoo(folder):
    make_zoo(folder, enhancer=False, classifier=False)
    torch.manual_seed(7)  # other weights: other words
    _install(folder, ADAPTED, CtcRecognizer(RATE, len(CHARACTERS) + 1, **RECOGNIZER_CONFIG),
             _card("speech-recognition", "ctc-recognizer", RECOGNIZER_CONFIG,
                   alphabet=CHARACTERS))
    return ModelZoo(folder)


def two_recognizer_window(qtbot, runner, tmp_path):
    """The main window, shown, its model jobs on a zoo of two tiny recognizers."""
    from workbench.ui.shell.main_window import MainWindow

    service = ModelJobService(runner, two_recognizer_zoo(tmp_path / "zoo"), ModelCache(),
                              "cpu")
    window = MainWindow(runner, Settings(), model_jobs=service)
    qtbot.addWidget(window)
    window.resize(1200, 900)
    window.show()
    return window


def transcript_model(doc):
    result = doc.analyses.get("transcribe")
    return result.model if result is not None else None


def test_the_chosen_recognizer_transcribes_and_undo_compares(qtbot, runner, tmp_path,
                                                             tone_file):
    window = two_recognizer_window(qtbot, runner, tmp_path)
    entry = open_and_wait(qtbot, window, tone_file)
    doc, ui = entry.document, window.recognizer_ui
    panel = ui.panel
    assert [panel.model_box.itemText(i) for i in range(panel.model_box.count())] == [
        "tiny-recognizer", ADAPTED]
    ui.transcribe_with("tiny-recognizer")
    qtbot.waitUntil(lambda: transcript_model(doc) == "tiny-recognizer", timeout=30000)
    qtbot.waitUntil(ui.dock.isVisible)
    assert panel.model_label.text() == "Words by tiny-recognizer"
    first_words = doc.analyses["transcribe"].text
    panel.model_box.setCurrentText(ADAPTED)
    panel.transcribe_button.click()
    qtbot.waitUntil(lambda: transcript_model(doc) == ADAPTED, timeout=30000)
    qtbot.waitUntil(lambda: panel.model_label.text() == f"Words by {ADAPTED}")
    assert entry.history.labels[-1].endswith(f"({ADAPTED})")
    assert doc.analyses["transcribe"].text != first_words  # other weights, other words
    qtbot.waitUntil(window.is_idle, timeout=20000)
    entry.history.undo()
    assert transcript_model(doc) == "tiny-recognizer"
    assert doc.analyses["transcribe"].text == first_words
    qtbot.waitUntil(lambda: panel.model_label.text() == "Words by tiny-recognizer")
    assert panel.chosen_model() == ADAPTED  # the choice stays for the next run
    assert window.recognizer_ui.live._model() == ADAPTED  # live words use it too


def test_a_downloaded_torchaudio_recognizer_is_offered_and_transcribes(
        qtbot, runner, tmp_path, tone_file, monkeypatch):
    from tests.tiny_wav2vec2 import NAME, install_tiny_wav2vec2

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    window = two_recognizer_window(qtbot, runner, tmp_path)
    entry = open_and_wait(qtbot, window, tone_file)
    ui, doc = window.recognizer_ui, entry.document
    assert NAME not in ui.recognizer_names()  # not downloaded: not offered
    install_tiny_wav2vec2(says="O")
    ui.refresh_models()
    assert ui.recognizer_names()[-1] == NAME
    ui.transcribe_with("tiny-recognizer")
    qtbot.waitUntil(lambda: ui.row_for(doc).gram is not None, timeout=30000)
    ui.panel.model_box.setCurrentText(NAME)
    ui.panel.transcribe_button.click()
    qtbot.waitUntil(lambda: transcript_model(doc) == NAME, timeout=30000)
    assert doc.analyses["transcribe"].text == "o"  # its head says O at every frame
    qtbot.waitUntil(lambda: ui.panel.table.rowCount() == 1)
    assert ui.panel.model_label.text() == f"Words by {NAME}"
    # The rows inside the network belong to the workbench's own recognizers.
    assert not ui.row_for(doc).isVisible() and not ui.state_row_for(doc).isVisible()
    assert ui.live_model() is None  # live words stream: the zoo's default, not wav2vec 2.0
    qtbot.waitUntil(window.is_idle, timeout=20000)


def test_the_emformer_rnnt_is_offered_transcribes_and_exports(qtbot, runner, tmp_path,
                                                              tone_file, monkeypatch):
    from tests.tiny_emformer import NAME, install_tiny_emformer
    from workbench.core.document.transcript_export import TranscriptFormat

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    window = two_recognizer_window(qtbot, runner, tmp_path)
    entry = open_and_wait(qtbot, window, tone_file)
    ui, doc = window.recognizer_ui, entry.document
    assert NAME not in ui.recognizer_names()  # not downloaded: not offered
    install_tiny_emformer(blank_bias=3.0, word_bias=2.0)
    ui.refresh_models()
    assert NAME in ui.recognizer_names()
    ui.panel.model_box.setCurrentText(NAME)
    ui.panel.transcribe_button.click()
    qtbot.waitUntil(lambda: transcript_model(doc) == NAME, timeout=30000)
    words = doc.analyses["transcribe"].words
    assert words and all(0.0 <= w.start < w.end <= 3.0 for w in words)
    qtbot.waitUntil(lambda: ui.panel.table.rowCount() == len(words))
    assert ui.panel.model_label.text() == f"Words by {NAME}"
    assert [ui.panel.table.item(i, 0).text() for i in range(len(words))] == [
        w.word for w in words]
    qtbot.waitUntil(window.is_idle, timeout=20000)
    path = tmp_path / "words.txt"
    assert ui.export(TranscriptFormat.AUDACITY, path)
    assert path.read_text().splitlines() == [
        f"{w.start:.6f}\t{w.end:.6f}\t{w.word}" for w in words]

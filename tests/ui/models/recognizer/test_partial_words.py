"""While a transcription runs, the transcript panel lists the words decoded so far (grey,
not editable); the final words replace them when the result is applied."""

from tests.tiny_models import make_zoo
from tests.ui.conftest import open_and_wait
from workbench.core.settings import Settings
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.model_jobs import ModelJobService


def test_words_so_far_show_while_transcribing_then_the_result(qtbot, runner, tmp_path,
                                                              tone_file):
    from workbench.ui.shell.main_window import MainWindow

    zoo = ModelZoo(make_zoo(tmp_path / "zoo", enhancer=False, classifier=False))
    window = MainWindow(runner, Settings(),
                        model_jobs=ModelJobService(runner, zoo, ModelCache(), "cpu"))
    qtbot.addWidget(window)
    window.resize(1200, 900)
    window.show()
    entry = open_and_wait(qtbot, window, tone_file)
    ui, panel = window.recognizer_ui, window.recognizer_ui.panel
    seen = []

    def on_partial(_job, result):  # runs after the panel has shown it
        seen.append((panel.partial is result, panel.table.rowCount() == len(result.words),
                     panel.model_label.text(), ui.dock.isVisible(),
                     panel.export_button.isEnabled()))
    window.model_jobs.partial_result.connect(on_partial)
    window.model_jobs.submit("transcribe", entry.document, params={"block_s": 0.5})
    qtbot.waitUntil(lambda: entry.document.analyses.get("transcribe") is not None,
                    timeout=30000)
    assert len(seen) >= 5  # 3 s in 0.5 s blocks
    assert all(shown and rows and visible and not export
               for shown, rows, _label, visible, export in seen)
    assert seen[-1][2].startswith("Transcribing with tiny-recognizer:")
    qtbot.waitUntil(lambda: panel.partial is None)
    assert panel.model_label.text() == "Words by tiny-recognizer"
    final = entry.document.analyses["transcribe"]
    assert panel.table.rowCount() == len(final.words)
    qtbot.waitUntil(window.is_idle, timeout=20000)

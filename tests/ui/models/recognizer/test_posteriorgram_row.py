"""The posteriorgram row under the spectrogram: image, best path, hover readout, and
its computation as a quiet model-lane job after a transcript is applied."""

import numpy as np
import pytest

from tests.tiny_models import make_zoo
from tests.ui.conftest import open_and_wait
from workbench.core.analysis.posteriorgram import BLANK_NAME, Posteriorgram
from workbench.core.settings import Settings
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.model_jobs import ModelJobService
from workbench.runtime.recognizer_inspection import POSTERIORGRAM_KIND
from workbench.ui.models.recognizer.posteriorgram_row import (
    PosteriorgramRow,
    probability_image,
)
from workbench.ui.panels.jobs_panel import QUIET_KINDS


def gram():
    probs = np.full((3, 3), 0.05)
    probs[0] = [0.9, 0.05, 0.05]
    probs[1] = [0.1, 0.8, 0.1]
    probs[2] = [0.3, 0.1, 0.6]
    return Posteriorgram(np.log(probs), "ab", 0.04, start=0.5, model="tiny")


def test_row_draws_probabilities_best_path_and_hover(qtbot, window, tone_file):
    entry = open_and_wait(qtbot, window, tone_file)
    row = window.recognizer_ui.row_for(entry.document)
    assert isinstance(row, PosteriorgramRow) and not row.isVisible()
    row.show_posteriorgram(gram())
    assert row.isVisible()
    image = probability_image(gram())
    assert image.shape == (3, 3) and image[0, 0] == round(0.9 * 255)
    np.testing.assert_array_equal(row.image.image, image)
    x, y = row.path_points()
    np.testing.assert_allclose(x, [0.5, 0.54, 0.58, 0.62])
    np.testing.assert_allclose(y, [0.5, 1.5, 2.5])
    assert row.image.mapRectToParent(row.image.boundingRect()).left() == pytest.approx(0.5)
    assert row.hover_text(0.55) == "0.55 s: a 0.80, ∅ 0.10, b 0.10"
    assert row.hover_text(0.3) == ""
    entry.view.pointer_moved.emit({"time": 0.51})
    assert row.titleLabel.text.startswith(f"0.51 s: {BLANK_NAME} 0.90")
    row.show_posteriorgram(None)
    assert not row.isVisible()


def test_posteriorgram_job_is_quiet():
    assert POSTERIORGRAM_KIND in QUIET_KINDS


def test_transcribing_computes_the_posteriorgram_on_the_model_lane(qtbot, runner, tmp_path,
                                                                   tone_file):
    from workbench.ui.shell.main_window import MainWindow

    zoo = ModelZoo(make_zoo(tmp_path / "zoo", enhancer=False, classifier=False))
    service = ModelJobService(runner, zoo, ModelCache(), "cpu")
    window = MainWindow(runner, Settings(), model_jobs=service)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    entry = open_and_wait(qtbot, window, tone_file)
    row = window.recognizer_ui.row_for(entry.document)
    window.models_menu.run("transcribe")
    qtbot.waitUntil(lambda: row.gram is not None, timeout=30000)
    qtbot.waitUntil(window.is_idle, timeout=20000)
    g = row.gram
    assert g.model == "tiny-recognizer" and g.start == 0.0
    assert g.frames == pytest.approx(3.0 / 0.04, abs=2)
    assert g.log_probs.shape[1] == len(g.symbol_names) == 29
    assert row.isVisible()


def test_row_names_only_as_many_symbols_as_fit(qtbot, window, tone_file):
    entry = open_and_wait(qtbot, window, tone_file)
    row = window.recognizer_ui.row_for(entry.document)
    many = np.log(np.full((4, 29), 1 / 29))
    row.show_posteriorgram(Posteriorgram(many, " 'abcdefghijklmnopqrstuvwxyz", 0.04))
    qtbot.waitUntil(lambda: row.vb.height() > 20)
    (ticks,) = row.getAxis("left")._tickLevels
    assert 2 <= len(ticks) * 11 <= row.vb.height() + 11
    assert ticks[0] == (0.5, BLANK_NAME)

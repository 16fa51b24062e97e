"""The hidden state row under the posteriorgram: one layer and direction as a units x
frames image on the shared time axis, the chooser, clicking a unit plots it, and its
computation as a quiet model-lane job after a transcript is applied."""

import numpy as np
import pytest

from tests.tiny_models import make_zoo
from tests.ui.conftest import open_and_wait
from tests.ui.timeline_mouse import click, viewport_pos
from workbench.core.analysis.recurrent_states import RecurrentStates
from workbench.core.settings import Settings
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.model_jobs import ModelJobService
from workbench.runtime.recognizer_inspection import STATES_KIND
from workbench.ui.models.recognizer.hidden_state_row import HiddenStateRow, activation_image
from workbench.ui.panels.jobs_panel import QUIET_KINDS


def states():
    """2 layers x 2 directions x 50 frames x 4 units from 0.5 s, seeded values in [-1, 1];
    layer 1 forward unit 3 starts at +1 and passes 0 at frame 25."""
    data = np.random.default_rng(3).uniform(-1, 1, (2, 2, 50, 4)).astype(np.float16)
    data[0, 0, 0, 3], data[0, 0, 25, 3] = 1.0, 0.0
    return RecurrentStates(data, 0.04, start=0.5, model="tiny")


def test_row_draws_the_chosen_layer_and_direction_on_the_time_axis(qtbot, window,
                                                                    tone_file):
    entry = open_and_wait(qtbot, window, tone_file)
    row = window.recognizer_ui.state_row_for(entry.document)
    assert isinstance(row, HiddenStateRow) and not row.isVisible()
    row.show_states(states())
    assert row.isVisible() and not row.unit_row.isVisible()
    assert [row.chooser.itemText(i) for i in range(row.chooser.count())] == [
        "Layer 1 forward", "Layer 1 backward", "Layer 2 forward", "Layer 2 backward"]
    assert row.chooser.currentText() == "Layer 1 forward"
    np.testing.assert_array_equal(row.image.image, activation_image(states(), 0, 0))
    rect = row.image.mapRectToParent(row.image.boundingRect())
    assert rect.left() == pytest.approx(0.5) and rect.right() == pytest.approx(2.5)
    assert activation_image(states(), 0, 0)[0, 3] == 255  # unit 3 starts at +1
    assert activation_image(states(), 0, 0)[25, 3] == 128  # 0 in the middle
    row.chooser.setCurrentIndex(3)
    row.chooser.activated.emit(3)
    assert (row.layer, row.direction) == (1, 1)
    np.testing.assert_array_equal(row.image.image, activation_image(states(), 1, 1))
    assert not np.array_equal(row.image.image, activation_image(states(), 0, 0))


def test_clicking_a_unit_plots_its_activation_against_the_audio(qtbot, window, tone_file):
    entry = open_and_wait(qtbot, window, tone_file)
    row = window.recognizer_ui.state_row_for(entry.document)
    row.show_states(states())
    row.choose(1, 0)
    qtbot.waitUntil(lambda: row.vb.height() > 40)
    with qtbot.waitSignal(row.unit_chosen) as chosen:
        click(qtbot, entry.view, row, 1.0, y=2.5)  # the middle of unit 2's row
    assert chosen.args == [1, 0, 2]
    assert row.unit_row.isVisible()
    x, y = row.unit_row.curve.getData()
    times, values = states().activation(1, 0, 2)
    np.testing.assert_allclose(x, times)
    np.testing.assert_allclose(y, values)
    assert row.unit_row.titleLabel.text == "Layer 2 forward, unit 2"
    value = float(states().states[1, 0, 12, 2])  # 1.0 s is frame 12 from 0.5 s
    assert row.hover_text(1.0, 2.5) == f"unit 2 at 1.00 s: {value:+.2f}"
    assert row.hover_text(0.2, 2.5) == "" and row.hover_text(1.0, 9.0) == ""
    viewport = entry.view.timeline.viewport()
    qtbot.mouseMove(viewport, viewport_pos(entry.view, row, 1.0, 2.5))
    qtbot.waitUntil(lambda: row.titleLabel.text.startswith("unit 2 at 1.0"))
    # The unit's line shares the timeline's time axis with the spectrogram.
    assert row.unit_row.vb.viewRange()[0] == pytest.approx(
        entry.view.spectrogram.vb.viewRange()[0])
    row.show_states(None)
    assert not row.isVisible() and not row.unit_row.isVisible()


def test_states_job_is_quiet():
    assert STATES_KIND in QUIET_KINDS


def test_transcribing_computes_the_hidden_states_on_the_model_lane(qtbot, runner, tmp_path,
                                                                   tone_file):
    from workbench.ui.shell.main_window import MainWindow

    zoo = ModelZoo(make_zoo(tmp_path / "zoo", enhancer=False, classifier=False))
    service = ModelJobService(runner, zoo, ModelCache(), "cpu")
    window = MainWindow(runner, Settings(), model_jobs=service)
    qtbot.addWidget(window)
    window.resize(1200, 900)
    window.show()
    entry = open_and_wait(qtbot, window, tone_file)
    row = window.recognizer_ui.state_row_for(entry.document)
    window.models_menu.run("transcribe")
    qtbot.waitUntil(lambda: row.states is not None, timeout=30000)
    qtbot.waitUntil(window.is_idle, timeout=20000)
    s = row.states
    gram = window.recognizer_ui.row_for(entry.document).gram
    assert s.model == "tiny-recognizer" and s.start == 0.0
    assert (s.layers, s.units) == (1, 8) and s.frames == gram.frames
    assert row.isVisible() and row.chooser.count() == 2
    assert np.abs(row.states.states).max() > 0.01  # a real network's outputs, not zeros

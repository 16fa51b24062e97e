"""The history panel: named steps, the current one, clicking to go back and forth, budget."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import open_and_wait
from tests.ui.timeline_mouse import write_ramp_file
from workbench.core.document.document import Document
from workbench.core.document.edit_commands import CutCommand, InsertSilenceCommand
from workbench.core.document.effects import GainCommand
from workbench.core.document.history import History
from workbench.core.document.label_commands import AddTierCommand
from workbench.core.settings import Settings
from workbench.ui.panels.history_panel import START_TEXT, HistoryPanel, budget_bytes, format_bytes

RATE = 1000


@pytest.fixture
def history():
    doc = Document.from_array(np.linspace(-1, 1, 4 * RATE, dtype=np.float32), RATE)
    return History(doc)


@pytest.fixture
def panel(qtbot, history):
    widget = HistoryPanel()
    qtbot.addWidget(widget)
    widget.set_history(history)
    widget.resize(300, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def click_row(qtbot, panel, row):
    rect = panel.list.visualItemRect(panel.list.item(row))
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_steps_appear_by_name_with_the_current_one_selected(panel, history):
    assert panel.step_texts() == [START_TEXT] and panel.list.currentRow() == 0
    history.push(CutCommand(500, 1200))
    history.push(GainCommand(0, 1000, -3.0))
    assert panel.step_texts() == [START_TEXT, "Cut 0.50–1.20 s", "Gain -3.0 dB"]
    assert panel.list.currentRow() == 2
    history.undo()
    assert panel.list.currentRow() == 1
    redo_row = panel.list.item(2)
    assert redo_row.foreground().color().getRgb()[:3] == (128, 128, 128)
    assert panel.list.item(1).foreground().style() == Qt.BrushStyle.NoBrush


def test_clicking_a_step_rolls_the_document_back_and_forward(qtbot, panel, history):
    doc = history.document
    original = doc.tracks[0].samples.read().copy()
    history.push(CutCommand(500, 1200))
    history.push(InsertSilenceCommand(0, 250))
    history.push(AddTierCommand("words"))
    after_cut = 4 * RATE - 700
    click_row(qtbot, panel, 1)
    assert history.index == 1 and doc.frames == after_cut and doc.label_tiers == ()
    click_row(qtbot, panel, 0)
    assert history.index == 0 and np.array_equal(doc.tracks[0].samples.read(), original)
    click_row(qtbot, panel, 3)
    assert history.index == 3 and doc.frames == after_cut + 250
    assert [t.name for t in doc.label_tiers] == ["words"]
    assert panel.list.currentRow() == 3


def test_the_panel_follows_the_history_it_is_given(panel, history):
    other = History(Document.from_array(np.zeros(RATE, np.float32), RATE))
    other.push(InsertSilenceCommand(0, 10))
    panel.set_history(other)
    assert panel.step_texts() == [START_TEXT, "Insert 0.01 s of silence"]
    history.push(CutCommand(0, 100))  # the history no longer shown: the panel stays
    assert panel.step_texts() == [START_TEXT, "Insert 0.01 s of silence"]
    panel.set_history(None)
    assert panel.step_texts() == [] and not panel.isEnabled()


def test_memory_is_shown_and_the_budget_forgets_the_oldest_steps(qtbot, panel, history):
    assert panel.memory_label.text() == "Undo memory: 0 B"
    history.push(GainCommand(0, 4 * RATE, -3.0))
    assert panel.memory_label.text() == f"Undo memory: {format_bytes(4 * 4 * RATE)}"
    assert format_bytes(3 * 1024 * 1024) == "3.0 MB"
    with qtbot.assertNotEmitted(panel.budget_changed):
        panel.set_budget_mb(1024)  # shown, not announced
    with qtbot.waitSignal(panel.budget_changed) as changed:
        panel.budget_box.setValue(0)
    assert changed.args == [0] and panel.budget_box.text() == "No limit"
    assert budget_bytes(0) is None and budget_bytes(2) == 2 << 20
    history.memory_budget = 4 * 4 * RATE  # one gain's worth
    history.push(GainCommand(0, 4 * RATE, -3.0))
    assert panel.step_texts() == [START_TEXT, "Gain -3.0 dB"]


def test_the_window_panel_shows_the_current_documents_history_and_stores_the_budget(
        qtbot, window, tmp_path):
    paths = [tmp_path / "a.wav", tmp_path / "b.wav"]
    for path in paths:
        write_ramp_file(path, 1.0, 8000, 1)
    first = open_and_wait(qtbot, window, paths[0])
    first.document.set_selection(first.document.selection.with_range(0, 800))
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    panel = window.edit_actions.history_panel
    assert panel.step_texts() == [START_TEXT, "Silence 0.00–0.10 s"]
    second = open_and_wait(qtbot, window, paths[1])
    assert panel.history is second.history and panel.step_texts() == [START_TEXT]
    window.tabs.setCurrentWidget(first.view)
    click_row(qtbot, panel, 0)
    assert first.history.index == 0 and first.document.tracks[0].samples.read()[:800].all()
    assert window.tabs.tabText(0) == "a.wav"
    panel.budget_box.setValue(256)
    assert window.settings.history_budget_mb == 256
    assert first.history.memory_budget == second.history.memory_budget == 256 << 20
    assert Settings.load().history_budget_mb == 256  # saved

"""Selecting with the mouse, the keyboard and the selection fields; the selection in every view."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import open_and_wait
from tests.ui.timeline_mouse import click, drag
from workbench.core.document.selection import Selection
from workbench.core.time_format import TimeFormat

RATE = 16000
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def entry(qtbot, window, tone_file):
    return open_and_wait(qtbot, window, tone_file)


def frames(seconds):
    return round(seconds * RATE)


def near(frame, seconds, tolerance_s=0.02):
    return abs(frame - frames(seconds)) <= tolerance_s * RATE


def test_dragging_on_the_waveform_selects_a_time_range_shown_in_every_row(qtbot, entry):
    view, doc = entry.view, entry.document
    drag(qtbot, view, view.waveforms[0], 0.5, 1.25)
    sel = doc.selection
    assert near(sel.start, 0.5) and near(sel.stop, 1.25) and sel.channels is None
    shown = [(plot, marks) for plot, marks in view._marks.items() if plot.isVisible()]
    assert len(shown) >= 3  # two waveform lanes and the spectrogram at least
    for _plot, (region, cursor) in shown:
        assert region.isVisible() and not cursor.isVisible()
        assert np.allclose(region.getRegion(), (sel.start / RATE, sel.stop / RATE))
    assert view.selection == (sel.start / RATE, sel.stop / RATE)


def test_dragging_backwards_on_the_spectrogram_selects_the_same_way(qtbot, entry):
    view, doc = entry.view, entry.document
    drag(qtbot, view, view.spectrogram, 2.0, 1.0, y=100.0)
    assert near(doc.selection.start, 1.0) and near(doc.selection.stop, 2.0)


def test_shift_click_extends_the_selection_and_a_plain_click_leaves_a_cursor(qtbot, entry):
    view, doc = entry.view, entry.document
    doc.set_selection(Selection(frames(1.0), frames(1.5)))
    click(qtbot, view, view.waveforms[1], 2.5, modifier=SHIFT)
    assert doc.selection.start == frames(1.0) and near(doc.selection.stop, 2.5)
    click(qtbot, view, view.waveforms[1], 0.25, modifier=SHIFT)
    assert near(doc.selection.start, 0.25) and near(doc.selection.stop, 2.5)
    click(qtbot, view, view.waveforms[0], 2.0)
    assert doc.selection.is_empty and near(doc.selection.start, 2.0)
    region, cursor = view._marks[view.spectrogram]
    assert cursor.isVisible() and not region.isVisible()
    assert abs(cursor.value() - doc.selection.start / RATE) < 1e-9


def test_shift_drag_moves_the_nearer_end(qtbot, entry):
    view, doc = entry.view, entry.document
    doc.set_selection(Selection(frames(1.0), frames(2.0)))
    drag(qtbot, view, view.waveforms[0], 1.9, 2.6, modifier=SHIFT)
    assert doc.selection.start == frames(1.0) and near(doc.selection.stop, 2.6)


def test_ctrl_drag_selects_one_channel_and_only_its_lane_is_shaded(qtbot, window, entry):
    view, doc = entry.view, entry.document
    drag(qtbot, view, view.waveforms[1], 0.5, 1.0, modifier=CTRL)
    assert doc.selection.channels == frozenset({1})
    assert not view._marks[view.waveforms[0]][0].isVisible()
    assert view._marks[view.waveforms[1]][0].isVisible()
    bar = window.edit_actions.selection_bar
    assert [b.isChecked() for b in bar.channel_buttons] == [False, True]
    drag(qtbot, view, view.waveforms[0], 0.5, 1.0, modifier=CTRL, end_plot=view.waveforms[1])
    assert doc.selection.channels is None  # both lanes: every channel


def test_channel_toggles_choose_the_selected_channels(qtbot, window, entry):
    doc = entry.document
    bar = window.edit_actions.selection_bar
    doc.set_selection(Selection(0, frames(1.0)))
    assert [b.isChecked() for b in bar.channel_buttons] == [True, True]
    qtbot.mouseClick(bar.channel_buttons[0], Qt.MouseButton.LeftButton)
    assert doc.selection.channels == frozenset({1})
    qtbot.mouseClick(bar.channel_buttons[1], Qt.MouseButton.LeftButton)  # the last one stays
    assert doc.selection.channels == frozenset({1}) and bar.channel_buttons[1].isChecked()
    qtbot.mouseClick(bar.channel_buttons[0], Qt.MouseButton.LeftButton)
    assert doc.selection.channels is None


def test_ctrl_a_selects_all_and_escape_selects_none(qtbot, window, entry):
    doc = entry.document
    qtbot.keyClick(window, Qt.Key.Key_A, CTRL)
    assert doc.selection == Selection(0, doc.frames)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert doc.selection == Selection(0, 0)


@pytest.mark.parametrize("fmt, start_text, end_text, length_text", [
    (TimeFormat.SECONDS, "0.500", "1.250", "0.750"),
    (TimeFormat.HMS, "0:00:00.500", "0:00:01.250", "0:00:00.750"),
    (TimeFormat.SAMPLES, "8000", "20000", "12000"),
])
def test_selection_fields_follow_the_selection_in_each_format(qtbot, window, entry, fmt,
                                                              start_text, end_text,
                                                              length_text):
    bar = window.edit_actions.selection_bar
    bar.format_box.setCurrentIndex(bar.format_box.findData(fmt))
    entry.document.set_selection(Selection(8000, 20000))
    assert (bar.start_edit.text(), bar.end_edit.text(), bar.length_edit.text()) == \
        (start_text, end_text, length_text)


def type_into(qtbot, edit, text):
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


@pytest.mark.parametrize("fmt, start, end, length", [
    (TimeFormat.SECONDS, "0.25", "2", "0.5"),
    (TimeFormat.HMS, "0:00:00.250", "0:02", "0.5"),
    (TimeFormat.SAMPLES, "4000", "32000", "8000"),
])
def test_typing_into_the_fields_sets_the_selection(qtbot, window, entry, fmt, start, end,
                                                   length):
    doc = entry.document
    bar = window.edit_actions.selection_bar
    bar.format_box.setCurrentIndex(bar.format_box.findData(fmt))
    doc.set_selection(Selection(frames(1.0), frames(1.5)))
    type_into(qtbot, bar.start_edit, start)
    assert doc.selection == Selection(4000, frames(1.5))
    type_into(qtbot, bar.end_edit, end)
    assert doc.selection == Selection(4000, 32000)
    type_into(qtbot, bar.length_edit, length)
    assert doc.selection == Selection(4000, 12000)
    assert entry.view.selection == (0.25, 0.75)


def test_a_field_that_cannot_be_read_is_refused_and_shows_the_selection_again(qtbot, window,
                                                                              entry):
    doc = entry.document
    bar = window.edit_actions.selection_bar
    doc.set_selection(Selection(frames(1.0), frames(1.5)))
    with qtbot.waitSignal(bar.input_rejected) as rejected:
        type_into(qtbot, bar.start_edit, "soon")
    assert "soon" in rejected.args[0] and "soon" in window.statusBar().currentMessage()
    assert bar.start_edit.text() == "1.000" and doc.selection.start == frames(1.0)


def test_leaving_an_untouched_field_does_not_round_the_selection(qtbot, window, entry):
    doc = entry.document
    bar = window.edit_actions.selection_bar
    doc.set_selection(Selection(19756, 20000))  # 1.23475 s shows as 1.235
    bar.start_edit.setFocus()
    bar.start_edit.editingFinished.emit()
    assert doc.selection.start == 19756


def test_snapping_moves_a_dragged_end_to_a_zero_crossing(qtbot, window, entry):
    view, doc = entry.view, entry.document
    qtbot.mouseClick(window.edit_actions.selection_bar.snap_box, Qt.MouseButton.LeftButton)
    assert view.snap_to_zero_crossings
    drag(qtbot, view, view.waveforms[0], 0.5013, 1.2511)
    mixed = doc.tracks[0].samples.read().sum(axis=1)
    for end, dragged_to in ((doc.selection.start, 0.5013), (doc.selection.stop, 1.2511)):
        # Where the drag ended is no crossing; the selection's end is, a few frames away.
        assert end != frames(dragged_to) and near(end, dragged_to, 0.005)
        assert mixed[end] == 0 or np.sign(mixed[end - 1]) != np.sign(mixed[end]), end

"""Label tiers as the user meets them: Ctrl+B, dragging edges, editing text, tiers, files."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from tests.ui.conftest import open_and_wait
from tests.ui.timeline_mouse import click, double_click, drag, write_ramp_file
from workbench.core.document.label_commands import AddTiersCommand
from workbench.core.document.selection import Selection
from workbench.core.labels.labels import Label, LabelTier
from workbench.ui.timeline.label_tier_view import LabelTierView

RATE = 8000
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def entry(qtbot, window, tmp_path):
    path = tmp_path / "ramp.wav"
    write_ramp_file(path, 2.0, RATE, 2)
    return open_and_wait(qtbot, window, path)


def rows_of(window):
    return window.edit_actions.labels.rows_for_current()[1]


def tier_rows(view):
    """The label tier rows of a document view, top to bottom."""
    return [p for p, _ in view._rows if isinstance(p, LabelTierView)]


def frames(seconds):
    return round(seconds * RATE)


def near(frame, seconds, tolerance_s=0.01):
    return abs(frame - frames(seconds)) <= tolerance_s * RATE


def only_label(doc, tier=0):
    (label,) = doc.label_tiers[tier].labels
    return label


def test_select_label_drag_an_edge_cut_and_undo(qtbot, window, entry):
    view, doc, history = entry.view, entry.document, entry.history
    drag(qtbot, view, view.waveforms[0], 1.0, 1.5)
    qtbot.keyClick(window, Qt.Key.Key_B, CTRL)
    row = rows_of(window).views[doc.label_tiers[0].id]
    qtbot.waitUntil(lambda: row.editor is not None and row.editor.hasFocus())
    qtbot.keyClicks(row.editor, "word")
    qtbot.keyClick(row.editor, Qt.Key.Key_Return)
    label = only_label(doc)
    assert label.text == "word" and doc.label_tiers[0].name == "Labels"
    assert (label.start, label.end) == (doc.selection.start, doc.selection.stop)
    assert near(label.start, 1.0) and near(label.end, 1.5)
    assert history.labels == ["Add label", "Edit label text"] and row.editor is None

    drag(qtbot, view, row, label.end / RATE, 1.75, y=0.5)
    moved = only_label(doc)
    assert moved.start == label.start and near(moved.end, 1.75) and moved.id == label.id
    assert history.labels[-1] == "Move label" and len(history.labels) == 3  # one step

    drag(qtbot, view, view.waveforms[1], 0.25, 0.5)
    cut = doc.selection
    qtbot.keyClick(window, Qt.Key.Key_X, CTRL)
    after_cut = only_label(doc)
    assert doc.frames == 2 * RATE - cut.length
    assert (after_cut.start, after_cut.end) == (moved.start - cut.length, moved.end - cut.length)
    graphic = row.graphics[label.id]
    assert np.allclose(graphic.item.getRegion(), (after_cut.start / RATE, after_cut.end / RATE))

    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert doc.frames == 2 * RATE and only_label(doc) == moved
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert only_label(doc) == Label(label.start, label.end, "word", label.id)
    assert np.allclose(graphic.item.getRegion(), (label.start / RATE, label.end / RATE))


def test_ctrl_m_puts_a_point_label_at_the_cursor_and_a_drag_moves_it_in_one_step(
        qtbot, window, entry):
    view, doc, history = entry.view, entry.document, entry.history
    click(qtbot, view, view.waveforms[0], 0.8)
    qtbot.keyClick(window, Qt.Key.Key_M, CTRL)
    row = rows_of(window).views[doc.label_tiers[0].id]
    qtbot.keyClick(row.editor, Qt.Key.Key_Return)
    point = only_label(doc)
    assert point.is_point and point.start == doc.selection.start and near(point.start, 0.8)
    drag(qtbot, view, row, point.start / RATE, 1.3, y=0.5)
    moved = only_label(doc)
    assert moved.is_point and near(moved.start, 1.3)
    assert history.labels == ["Add point label", "Move label"]
    history.undo()
    assert only_label(doc).start == point.start


def test_clicking_a_label_selects_its_span(qtbot, window, entry):
    doc = entry.document
    doc.set_selection(Selection(frames(0.5), frames(0.9)))
    window.edit_actions.labels.add_label_from_selection("one")
    row = rows_of(window).views[doc.label_tiers[0].id]
    doc.select_none()
    click(qtbot, entry.view, row, 0.7, y=0.5)
    assert doc.selection == Selection(frames(0.5), frames(0.9))
    click(qtbot, entry.view, row, 1.5, y=0.5)  # off the label: a cursor
    assert doc.selection.is_empty and near(doc.selection.start, 1.5)


def test_double_click_edits_the_text_in_place_and_escape_cancels(qtbot, window, entry):
    doc = entry.document
    doc.set_selection(Selection(frames(0.5), frames(0.9)))
    window.edit_actions.labels.add_label_from_selection("old")
    row = rows_of(window).views[doc.label_tiers[0].id]
    double_click(qtbot, entry.view, row, 0.7, y=0.5)
    editor = row.editor
    assert editor is not None and editor.text() == "old"
    assert editor.geometry().intersects(
        entry.view.timeline.mapFromScene(row.scene_rect_of(only_label(doc).id)).boundingRect())
    qtbot.keyClicks(editor, "never")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert row.editor is None and only_label(doc).text == "old"
    assert not doc.selection.is_empty  # Esc went to the editor, not to "select none"
    double_click(qtbot, entry.view, row, 0.7, y=0.5)
    qtbot.keyClicks(row.editor, "new")
    qtbot.keyClick(row.editor, Qt.Key.Key_Return)
    assert only_label(doc).text == "new"
    assert entry.history.labels[-1] == "Edit label text"


def test_rename_reorder_and_delete_tiers(qtbot, window, entry):
    doc, view = entry.document, entry.view
    labels = window.edit_actions.labels
    first = labels.add_tier("first")
    second = labels.add_tier("second")
    rows = rows_of(window)
    assert tier_rows(view) == [rows.views[first], rows.views[second]]
    labels.actions["rename_tier"].trigger()  # the current tier: the one added last
    dialog = labels.last_dialog
    dialog.setTextValue("words")
    dialog.accept()
    assert [t.name for t in doc.label_tiers] == ["first", "words"]
    labels.actions["tier_up"].trigger()
    assert [t.name for t in doc.label_tiers] == ["words", "first"]
    assert tier_rows(view) == [rows.views[second], rows.views[first]]
    entry.history.undo()
    assert tier_rows(view) == [rows.views[first], rows.views[second]]
    labels.delete_tier(first)
    assert [t.name for t in doc.label_tiers] == ["words"]
    assert tier_rows(view) == [rows.views[second]] and first not in rows.views
    assert entry.history.labels[-1] == "Delete tier 'first'"


def test_right_click_on_a_label_offers_to_delete_it(qtbot, window, entry):
    doc = entry.document
    doc.set_selection(Selection(frames(0.5), frames(0.9)))
    label_id = window.edit_actions.labels.add_label_from_selection("gone")
    rows = rows_of(window)
    tier_id = doc.label_tiers[0].id
    with qtbot.waitSignal(rows.context_menu_requested) as asked:
        click(qtbot, entry.view, rows.views[tier_id], 0.7, y=0.5,
              button=Qt.MouseButton.RightButton)
    assert asked.args[:2] == [tier_id, label_id]
    menu = window.edit_actions.labels.context_menu(tier_id, label_id)
    delete = next(a for a in menu.actions() if a.text() == "Delete Label")
    delete.trigger()
    assert doc.label_tiers[0].labels == () and entry.history.labels[-1] == "Delete label 'gone'"
    popup = QApplication.activePopupWidget()  # the menu the right click opened
    if popup is not None:
        popup.close()


def sample_tiers():
    return (LabelTier("words", (Label(frames(0.25), frames(0.5), "hello"),
                                Label(frames(0.5), frames(1.125), "world"))),
            LabelTier("events", (Label(frames(1.5), frames(1.5), "click"),)))


def comparable(tiers):
    return [(t.name, [(lab.start, lab.end, lab.text) for lab in t.labels]) for t in tiers]


@pytest.mark.parametrize("suffix", [".TextGrid", ".csv", ".txt"])
def test_labels_survive_export_and_import_through_the_menu(qtbot, window, entry, tmp_path,
                                                           monkeypatch, suffix):
    doc = entry.document
    labels = window.edit_actions.labels
    entry.history.push(AddTiersCommand(sample_tiers()))
    path = tmp_path / f"labels{suffix}"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    rows_of(window).set_current(doc.label_tiers[0].id)  # Audacity files take the current tier
    labels.actions["export"].trigger()
    assert path.exists() and str(path) in window.statusBar().currentMessage()
    expected = comparable(sample_tiers() if suffix != ".txt" else sample_tiers()[:1])
    if suffix == ".txt":
        expected[0] = ("labels", expected[0][1])  # Audacity files name their tier after the file
    labels.actions["import"].trigger()
    assert comparable(doc.label_tiers[2:]) == expected
    assert entry.history.labels[-1] == f"Import labels from labels{suffix}"
    assert len(rows_of(window).views) == 2 + len(expected)


def test_a_broken_label_file_is_reported_and_changes_nothing(qtbot, window, entry, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("not,a,label,file\n1,2\n")
    assert not window.edit_actions.labels.import_labels(bad)
    assert "bad.csv" in window.statusBar().currentMessage()
    assert window.errors.last_error is not None and entry.document.label_tiers == ()


def test_a_crowded_tier_is_drawn_as_a_band_until_zoomed_in(qtbot, window, entry):
    doc, view = entry.document, entry.view
    many = tuple(Label(i * 40, i * 40 + 20, f"w{i}") for i in range(400))  # one per 5 ms
    entry.history.push(AddTiersCommand((LabelTier("words", many),)))
    row = rows_of(window).views[doc.label_tiers[0].id]
    assert row.graphics == {} and row.summary.isVisible()
    assert len(row.summary.opts["x0"]) == 400
    view.set_visible_range(0.5, 0.6)  # 20 labels in view: each one movable, with its text
    assert not row.summary.isVisible()
    assert sorted(row.graphics) == sorted(lab.id for lab in row.visible_labels(
        doc.label_tiers[0]))
    assert 19 <= len(row.graphics) <= 22
    label = doc.label_tiers[0].labels[105]  # 0.525-0.5275 s
    drag(qtbot, view, row, label.end / RATE, 0.54, y=0.5)
    moved = doc.label_tiers[0].labels[105]
    assert moved.id == label.id and near(moved.end, 0.54, 0.001)

"""The confusion matrix of a run with truth: counts, shading, a cell click filters."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.corpus.corpus_runs import file_row, shown_view, truth_run, write_run
from workbench.ui.corpus.corpus_run_data import CorpusRunData


@pytest.fixture
def view(qtbot, runner, tmp_path):
    return shown_view(qtbot, runner, truth_run(tmp_path / "run"))


def _files(view):
    return [row["relative"] for row in view.visible_files()]


def _click(view, truth, predicted):
    table = view.confusion_view.table
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     pos=view.confusion_view.cell_rect(truth, predicted).center())


def test_the_matrix_counts_truth_against_prediction_and_shades_by_row_share(view):
    model = view.confusion_view.model
    assert model.labels == ["loud", "quiet"]
    texts = [[model.index(r, c).data() for c in range(2)] for r in range(2)]
    assert texts == [["1", "1"], ["1", "0"]]  # truth loud: 1 right, 1 called quiet
    background = [[model.index(r, c).data(Qt.ItemDataRole.BackgroundRole).alpha()
                   for c in range(2)] for r in range(2)]
    assert background[1][0] == 255 and background[1][1] == 0  # the whole row; empty cell
    assert background[0][0] == background[0][1] < 255  # half the row each
    assert "3 truth lines scored, accuracy 33.3%" in view.confusion_view.caption.text()
    assert "1 on error rows" in view.confusion_view.caption.text()
    header = view.files_model.HEADERS.index("Truth")
    assert [view.proxy.index(i, header).data() for i in range(4)] == ["loud", "loud", "quiet", ""]


def test_clicking_a_cell_filters_the_table_and_clicking_again_clears(view):
    _click(view, "loud", "quiet")
    assert _files(view) == ["c.wav"]
    model = view.confusion_view.model
    assert model.index(0, 1).data(Qt.ItemDataRole.FontRole).bold()  # the chosen cell shows it
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole) is None
    assert view.pick_label.text() == "Showing truth loud, predicted quiet (1 files)"
    assert view.clear_button.isVisible()
    _click(view, "quiet", "loud")
    assert _files(view) == ["d.wav"]
    _click(view, "quiet", "loud")
    assert _files(view) == ["b/loud.wav", "c.wav", "d.wav", "a.wav"]
    assert view.confusion_view.model.chosen is None
    assert not view.clear_button.isVisible()


def test_the_clear_button_removes_the_cell_filter_and_text_filters_still_apply(view):
    _click(view, "loud", "loud")
    assert _files(view) == ["b/loud.wav"]
    view.set_filter("nothing like this", None)
    assert _files(view) == []
    view.set_filter("", None)
    QTest.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)
    assert len(_files(view)) == 4
    assert view.count_label.text() == "4 of 4 files, 1 errors"
    _click(view, "loud", "loud")  # a fresh click after Clear chooses again
    assert _files(view) == ["b/loud.wav"]


def test_a_run_without_truth_shows_no_matrix(qtbot, runner, tmp_path):
    view = shown_view(qtbot, runner, write_run(tmp_path / "run", [file_row("a.wav")], []))
    assert not view.confusion_view.isVisible()
    assert "Truth" not in view.files_model.HEADERS


def test_a_missing_truth_file_is_named(tmp_path):
    run = truth_run(tmp_path / "run")
    (tmp_path / "run-truth.csv").unlink()
    with pytest.raises(ValueError, match="run-truth.csv: the run's truth file is gone"):
        CorpusRunData.read(run)

"""Relabelling from the files table: the truth goes to the run's own relabelled file
(the user's truth file stays as it was), and the matrix, column and map follow."""

from PySide6.QtCore import Qt

from tests.ui.corpus.corpus_runs import (
    embedding_run,
    file_row,
    segment,
    shown_view,
    truth_run,
    write_run,
)
from workbench.runtime.corpus.truth import read_truth
from workbench.ui.corpus.corpus_run_data import CorpusRunData
from workbench.ui.corpus.corpus_table_model import ROW_ROLE


def _choose(view, relative, *texts):
    row = next(r for r in view.run.files if r["relative"] == relative)
    _trigger(view.relabel_menu(row), *texts)


def _trigger(menu, *texts):
    for text in texts[:-1]:
        menu = next(a.menu() for a in menu.actions() if a.text() == text)
    action = next(a for a in menu.actions() if a.text() == texts[-1])
    assert action.isEnabled()
    action.trigger()


def _truth_column(view):
    column = view.files_model.HEADERS.index("Truth")
    return {view.proxy.index(i, 0).data(): view.proxy.index(i, column).data()
            for i in range(view.proxy.rowCount())}


def test_relabelling_a_file_updates_the_matrix_and_keeps_the_users_file(qtbot, runner, tmp_path):
    run = truth_run(tmp_path / "run")
    original = (tmp_path / "run-truth.csv").read_text()
    view = shown_view(qtbot, runner, run)
    _choose(view, "c.wav", "Set Truth Label", "quiet")  # the model was right after all
    model = view.confusion_view.model
    assert [[model.index(r, c).data() for c in range(2)] for r in range(2)] == \
        [["1", "0"], ["1", "1"]]
    assert "accuracy 66.7%" in view.confusion_view.caption.text()
    assert _truth_column(view)["c.wav"] == "quiet"
    assert (tmp_path / "run-truth.csv").read_text() == original
    written = run / "truth-relabelled.csv"
    assert view.truth_label.text() == f"Truth saved to {written}"
    assert ("c.wav", None, None, "quiet") in read_truth(written)
    assert len(read_truth(written)) == 4  # the line replaced, not added
    reopened = CorpusRunData.read(run)  # the next time, the relabelled truth is read
    assert reopened.truth.truth_of("c.wav") == "quiet"


def test_a_run_without_truth_gets_one_from_the_first_relabel(qtbot, runner, tmp_path):
    run = write_run(tmp_path / "run", [file_row("a.wav", text="loud")],
                    [{"key": "a.wav", "index": 0, "start": 0.0, "end": 1.0, "label": "loud",
                      "confidence": 0.9}])
    view = shown_view(qtbot, runner, run)
    assert not view.confusion_view.isVisible()
    _choose(view, "a.wav", "Set Truth Label", "loud")
    assert view.confusion_view.isVisible()
    assert _truth_column(view) == {"a.wav": "loud"}
    assert "1 truth lines scored, accuracy 100.0%" in view.confusion_view.caption.text()
    assert read_truth(run / "truth-relabelled.csv") == [("a.wav", None, None, "loud")]


def test_relabelling_recolours_the_map_by_correctness(qtbot, runner, tmp_path):
    view = shown_view(qtbot, runner, embedding_run(tmp_path / "run"))
    view.embedding_map.set_colouring("Correctness")
    assert len(view.embedding_map.groups()["wrong"]) == 1
    _choose(view, "q3.wav", "Set Truth Label", "loud")
    assert "wrong" not in view.embedding_map.groups()
    assert view.embedding_map.colour_combo.currentText() == "Correctness"


def test_an_error_row_has_nothing_to_relabel(qtbot, runner, tmp_path):
    view = shown_view(qtbot, runner, truth_run(tmp_path / "run"))
    row = next(r for r in view.run.files if r["status"] == "error")
    actions = view.relabel_menu(row).actions()
    assert [a.text() for a in actions] == ["No truth for this row"]
    assert not actions[0].isEnabled()
    assert view.files_table.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu


def test_a_segment_is_relabelled_as_a_stretch_of_its_file(qtbot, runner, tmp_path):
    run = write_run(tmp_path / "run", [file_row("s.wav", text="loud", duration=2.0)],
                    [segment("s.wav", 0, 0.0, 1.0, "loud"), segment("s.wav", 1, 1.0, 2.0, "quiet")])
    view = shown_view(qtbot, runner, run)
    view.files_table.selectRow(0)
    quiet = view.segments_model.index(1, 0).data(ROW_ROLE)
    row = view.run.files[0]
    _trigger(view.relabel_menu(row, quiet), "Set Truth Label of This Segment", "loud")
    assert read_truth(run / "truth-relabelled.csv") == [("s.wav", 1.0, 2.0, "loud")]
    assert "accuracy 0.0%" in view.confusion_view.caption.text()
    _trigger(view.relabel_menu(row, quiet), "Set Truth Label of This Segment", "quiet")
    assert read_truth(run / "truth-relabelled.csv") == [("s.wav", 1.0, 2.0, "quiet")]
    assert "1 truth lines scored, accuracy 100.0%" in view.confusion_view.caption.text()

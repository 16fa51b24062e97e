"""Comparing two runs over the same files: the other run's answer beside each file,
what changed (class, or WER against the truth), Changed only, and opening a changed
file where the two runs first disagree."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.corpus.corpus_runs import file_row, segment, shown_view, write_run
from workbench.ui.corpus.corpus_run_data import CorpusRunData

TRUTH = "file,label\nl1.wav,loud\nq1.wav,quiet\nx.wav,loud\n"


def _classify_run(folder, model, q1, x_second, truth=None):
    """l1 loud; q1 `q1`; x.wav loud then `x_second` (its main class stays loud)."""
    rows = [file_row("l1.wav", text="loud", model=model, summary={"loud": 1.0}),
            file_row("q1.wav", text=q1, model=model, summary={q1: 1.0}),
            file_row("x.wav", text="loud", model=model, duration=3.0,
                     summary={"loud": 2.0, x_second: 1.0})]
    segments = [segment("l1.wav", 0, 0.0, 1.0, "loud"), segment("q1.wav", 0, 0.0, 1.0, q1),
                segment("x.wav", 0, 0.0, 2.0, "loud"), segment("x.wav", 1, 2.0, 3.0, x_second)]
    return write_run(folder, rows, segments, truth)


@pytest.fixture
def view(qtbot, runner, tmp_path):
    view = shown_view(qtbot, runner, _classify_run(tmp_path / "new", "model-b", "quiet", "quiet",
                                           TRUTH), 1100)
    view.compare_with(CorpusRunData.read(_classify_run(tmp_path / "old", "model-a", "loud",
                                                       "loud")))
    return view


def _column(view, name):
    column = view.files_model.HEADERS.index(name)
    return {view.proxy.index(i, 0).data(): view.proxy.index(i, column).data()
            for i in range(view.proxy.rowCount())}


def test_the_other_runs_answer_and_the_change_stand_beside_each_file(view):
    assert _column(view, "Change (other → this)") == {"l1.wav": "", "q1.wav": "loud → quiet",
                                                      "x.wav": ""}
    assert _column(view, "Other run")["q1.wav"] == "loud 100%"
    assert view.compare_label.text() == (
        "Compared with old (model-a): 1 of 3 files changed class; "
        "accuracy 1.000 here, 0.667 there")


def test_changed_only_and_opening_a_file_where_the_runs_disagree(view, qtbot):
    QTest.mouseClick(view.changed_only, Qt.MouseButton.LeftButton)
    assert [r["relative"] for r in view.visible_files()] == ["q1.wav"]
    assert view.count_label.text().startswith("1 of 3 files")
    QTest.mouseClick(view.changed_only, Qt.MouseButton.LeftButton)
    assert len(view.visible_files()) == 3
    row = [r["relative"] for r in view.visible_files()].index("x.wav")
    with qtbot.waitSignal(view.open_requested) as opened:
        view.open_row(row)  # its class held, but its last second changed
    assert opened.args == ["/corpus/x.wav", 2.0, 3.0]
    view.compare_with(None)
    assert "Other run" not in view.files_model.HEADERS and not view.changed_only.isVisible()


def test_transcripts_compare_by_wer_against_the_truth(qtbot, runner, tmp_path):
    def run(folder, text, truth=None):
        return write_run(folder, [file_row("s.wav", kind="transcribe", text=text)], [], truth)

    view = shown_view(qtbot, runner, run(tmp_path / "new", "the cat sat", "s.wav,the cat sat down\n"))
    view.compare_with(CorpusRunData.read(run(tmp_path / "old", "a cat")))
    assert _column(view, "Change (other → this)") == {"s.wav": "WER 0.75 → 0.25 (-0.50)"}
    assert "1 of 1 files changed transcript; WER 0.250 here, 0.750 there" in \
        view.compare_label.text()

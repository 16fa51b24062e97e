"""The corpus view over a ledger: table, sort, filter, segments, open at a segment."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from workbench.runtime.corpus.ledger import Ledger
from workbench.ui.corpus.corpus_run_data import CorpusRunData
from workbench.ui.corpus.corpus_view import CorpusView


def _row(relative, status="ok", reason="", duration=1.0, summary=None, text=""):
    return {"key": relative, "content_hash": "h", "path": f"/corpus/{relative}",
            "relative": relative, "kind": "classify", "model": "tiny", "status": status,
            "reason": reason, "duration": duration if status == "ok" else None,
            "sample_rate": 16000, "summary": json.dumps(summary or {}), "text": text,
            "output": "", "warnings": "[]", "elapsed": 0.1}


@pytest.fixture
def run_dir(tmp_path):
    ledger = Ledger(tmp_path / "run")
    ledger.append([_row("b/loud.wav", duration=2.0, summary={"loud": 1.5, "quiet": 0.5},
                        text="loud"),
                   _row("a.wav", "error", "unreadable: the file is empty (0 bytes)")],
                  [{"key": "b/loud.wav", "index": 0, "start": 0.0, "end": 0.5,
                    "label": "quiet", "confidence": 0.9},
                   {"key": "b/loud.wav", "index": 1, "start": 0.5, "end": 2.0,
                    "label": "loud", "confidence": 0.8}])
    ledger.append([_row("c.wav", duration=0.5, summary={"quiet": 0.5, "loud": 0.0}, text="quiet")], [])
    return tmp_path / "run"


@pytest.fixture
def view(qtbot, runner, run_dir):
    view = CorpusView(CorpusRunData.read(run_dir), runner)
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    return view


def _texts(view, column):
    return [view.proxy.index(i, column).data() for i in range(view.proxy.rowCount())]


def test_the_table_lists_every_file_with_its_status_and_result(view):
    assert _texts(view, 0) == ["b/loud.wav", "a.wav", "c.wav"]
    assert _texts(view, 1) == ["ok", "error", "ok"]
    assert _texts(view, 2) == ["loud 75%, quiet 25%", "unreadable: the file is empty (0 bytes)",
                               "quiet 100%"]
    assert view.count_label.text() == "3 of 3 files, 1 errors"


def test_sorting_by_a_column_click(view, qtbot):
    header = view.files_table.horizontalHeader()
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.rect().topLeft() + _section_center(header, 4))
    assert _texts(view, 4) == ["", "0.50", "2.00"]  # the error row has no duration
    view.files_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert _texts(view, 0) == ["a.wav", "b/loud.wav", "c.wav"]


def test_worst_first_puts_errors_then_the_least_confident_files_first(view, qtbot):
    assert _texts(view, 3) == ["0.80", "", ""]  # b/loud.wav's least confident segment
    view.files_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    QTest.mouseClick(view.worst_first_button, Qt.MouseButton.LeftButton)
    assert _texts(view, 0) == ["a.wav", "b/loud.wav", "c.wav"]
    view.files_table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # a column sort again
    assert _texts(view, 0) == ["c.wav", "b/loud.wav", "a.wav"]


def _section_center(header, section):
    from PySide6.QtCore import QPoint

    return QPoint(header.sectionViewportPosition(section) + header.sectionSize(section) // 2,
                  header.height() // 2)


def test_filtering_by_status_and_text(view, qtbot):
    view.status_combo.setCurrentText("Errors")
    assert _texts(view, 0) == ["a.wav"]
    view.status_combo.setCurrentText("All files")
    QTest.keyClicks(view.filter_edit, "QUIET")
    assert _texts(view, 0) == ["b/loud.wav", "c.wav"]
    view.set_filter("quiet", "ok")
    assert [r["relative"] for r in view.visible_files()] == ["b/loud.wav", "c.wav"]
    assert view.count_label.text() == "2 of 3 files, 1 errors"


def test_choosing_a_file_shows_its_segments_and_double_clicks_open_there(view, qtbot):
    files = view.files_table
    QTest.mouseClick(files.viewport(), Qt.MouseButton.LeftButton,
                     pos=files.visualRect(view.proxy.index(0, 0)).center())
    assert view.segments_model.rowCount() == 2
    with qtbot.waitSignal(view.open_requested) as opened:
        QTest.mouseDClick(files.viewport(), Qt.MouseButton.LeftButton,
                          pos=files.visualRect(view.proxy.index(0, 0)).center())
    assert opened.args == ["/corpus/b/loud.wav", 0.0, 0.5]
    segments, second = view.segments_table, view.segments_model.index(1, 2)
    segments.scrollTo(second)
    assert segments.viewport().rect().contains(segments.visualRect(second).center())
    # A real double-click starts with a press (Qt's item views check it hit the same row).
    QTest.mouseClick(segments.viewport(), Qt.MouseButton.LeftButton,
                     pos=segments.visualRect(second).center())
    with qtbot.waitSignal(view.open_requested) as opened:
        QTest.mouseDClick(segments.viewport(), Qt.MouseButton.LeftButton,
                          pos=segments.visualRect(second).center())
    assert opened.args == ["/corpus/b/loud.wav", 0.5, 2.0]


def test_a_folder_without_a_ledger_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match="no corpus run"):
        CorpusRunData.read(tmp_path)

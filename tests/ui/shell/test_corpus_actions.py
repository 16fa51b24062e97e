"""File > Open Corpus Run: the corpus dock, and a double-click opening the file at the
segment, selected and zoomed to (also when the file is already open)."""

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.audio_server import SINK
from workbench.runtime.corpus.ledger import Ledger
from workbench.runtime.player import PlaybackState


@pytest.fixture
def run_dir(tmp_path, tone_file):
    ledger = Ledger(tmp_path / "run")
    ledger.append([{"key": "k", "content_hash": "h", "path": str(tone_file),
                    "relative": "tone.wav", "kind": "classify", "model": "tiny",
                    "status": "ok", "reason": "", "duration": 3.0, "sample_rate": 16000,
                    "summary": json.dumps({"loud": 3.0}), "text": "loud", "output": "",
                    "warnings": "[]", "elapsed": 0.1}],
                  [{"key": "k", "index": 0, "start": 1.0, "end": 2.0, "label": "loud",
                    "confidence": 0.9}])
    return tmp_path / "run"


def _double_click_first_file(qtbot, view):
    table = view.files_table
    centre = table.visualRect(view.proxy.index(0, 0)).center()
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def test_a_double_click_opens_the_file_with_the_segment_selected(qtbot, window, run_dir):
    assert any(a.text() == "Open &Corpus Run…"
               for a in window.menuBar().actions()[0].menu().actions())
    window.corpus.open_run(run_dir)
    assert window.corpus.dock.isVisible()
    assert window.corpus.view.visible_files()[0]["relative"] == "tone.wav"
    _double_click_first_file(qtbot, window.corpus.view)
    qtbot.waitUntil(lambda: window.current_entry() is not None
                    and window.current_entry().view.selection is not None)
    view = window.current_entry().view
    assert view.selection == pytest.approx((1.0, 2.0), abs=1e-3)
    assert view.visible_range() == pytest.approx((1.0, 2.0), abs=1e-3)
    view.set_selection(None)
    _double_click_first_file(qtbot, window.corpus.view)  # already open: no second tab
    assert len(window.open_documents) == 1
    assert view.selection == pytest.approx((1.0, 2.0), abs=1e-3)


def test_a_folder_without_a_run_is_reported(qtbot, window, tmp_path, monkeypatch):
    reported = []
    monkeypatch.setattr(window.errors, "report", lambda title, exc: reported.append(title))
    window.corpus.open_run(tmp_path)
    assert reported == [f"Cannot open the corpus run {tmp_path.name}"]
    assert window.corpus.dock is None


def test_open_first_file_opens_the_first_row_at_its_segment(qtbot, window, run_dir):
    assert not window.corpus.open_first_file()  # no run shown yet
    window.corpus.open_run(run_dir)
    assert window.corpus.open_first_file()
    qtbot.waitUntil(lambda: window.current_entry() is not None
                    and window.current_entry().view.selection is not None)
    assert window.current_entry().view.selection == pytest.approx((1.0, 2.0), abs=1e-3)
    assert window.corpus.view.files_table.currentIndex().row() == 0


def test_open_first_file_passes_over_error_rows(qtbot, window, run_dir):
    Ledger(run_dir).append([{"key": "bad", "content_hash": "h2", "path": "/gone/bad.wav",
                             "relative": "a-bad.wav", "kind": "classify", "model": "tiny",
                             "status": "error", "reason": "unreadable: empty",
                             "duration": None, "sample_rate": None, "summary": "{}",
                             "text": "", "output": "", "warnings": "[]", "elapsed": 0.1}], [])
    window.corpus.open_run(run_dir)
    window.corpus.view.files_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert window.corpus.view.visible_files()[0]["status"] == "error"
    assert window.corpus.open_first_file()
    qtbot.waitUntil(lambda: window.current_entry() is not None
                    and window.current_entry().view.selection is not None)
    assert window.corpus.view.files_table.currentIndex().row() == 1


def test_a_corpus_run_from_the_gui_ends_in_the_corpus_dock(qtbot, window, tmp_path):
    from tests.runtime.corpus.corpus_fixtures import BAD, GOOD, make_corpus
    from tests.tiny_models import make_zoo

    zoo, corpus = make_zoo(tmp_path / "zoo"), make_corpus(tmp_path / "corpus")
    progress = []
    handle = window.corpus.start_run("classify", [corpus], tmp_path / "run", workers=1,
                                     zoo=zoo, module="tests.runtime.corpus.batch_child")
    handle.progressed.connect(progress.append)
    with qtbot.waitSignal(handle.finished, timeout=120_000):
        pass
    qtbot.waitUntil(lambda: window.corpus.view is not None)
    assert len(window.corpus.view.visible_files()) == len(GOOD) + len(BAD)
    assert progress and progress[-1].message == "6/6 files, 3 errors"


def test_the_run_dialog_suggests_a_run_folder_beside_the_input(qtbot, tmp_path):
    from workbench.ui.dialogs.corpus_run_dialog import CorpusRunDialog

    dialog = CorpusRunDialog(str(tmp_path / "field"))
    qtbot.addWidget(dialog)
    dialog.kind_box.setCurrentText("Transcribe")
    assert dialog.choice() == ("transcribe", tmp_path / "field", tmp_path / "field-run")
    dialog.out_edit.setText(str(tmp_path / "mine"))
    dialog.input_edit.setText(str(tmp_path / "other"))  # the user's own choice stays
    assert dialog.choice()[2] == tmp_path / "mine"


def test_hovering_a_map_point_plays_the_segment_and_gives_the_player_back(
        qtbot, window, run_dir, tone_file, audio_server):
    from tests.ui.conftest import open_and_wait

    bar = window.transport.bar
    bar.output_combo.setCurrentIndex(bar.output_combo.findData(SINK))
    bar.output_combo.activated.emit(bar.output_combo.currentIndex())
    entry = open_and_wait(qtbot, window, tone_file)
    window.corpus.open_run(run_dir)
    with qtbot.waitSignal(window.player.state_changed) as started:
        window.corpus.view.play_requested.emit(str(tone_file), 1.0, 2.0)
    assert started.args == [PlaybackState.PLAYING]
    assert window.player.frames == 16000  # the segment only, not the 3 s file
    with qtbot.waitSignal(window.player.finished, timeout=5000):
        pass
    assert window.player.frames == entry.document.frames  # the document plays again
    window.player.stop()


def test_opening_another_run_while_the_map_is_placed_shows_the_newer_runs_map(
        qtbot, window, tmp_path):
    from tests.ui.corpus.corpus_runs import embedding_run, file_row, segment, write_run
    from workbench.runtime.corpus.embedding_projection import project

    older = embedding_run(tmp_path / "older")  # six points
    features = [[0.0, 2.0, 0.0], [0.0, -2.0, 0.5], [0.3, 0.0, -1.0]]
    newer = write_run(tmp_path / "newer", [file_row(f"n{i}.wav", text="quiet") for i in range(3)],
                      [segment(f"n{i}.wav", 0, 0.0, 1.0, "quiet", embedding=f)
                       for i, f in enumerate(features)])
    window.corpus.open_run(older)
    placing = window.corpus.view.embedding_map
    assert placing.placing  # its job has not been heard yet
    window.corpus.open_run(newer)
    emap = window.corpus.view.embedding_map
    qtbot.waitUntil(lambda: not emap.placing, timeout=10000)
    assert window.corpus.view.run.folder == newer and len(emap.points) == 3
    np.testing.assert_allclose(emap.positions, project(np.array(features)), atol=1e-5)
    assert set(emap.scatters) == {"quiet"} and len(emap.scatters["quiet"].data) == 3

"""The transcript panel: words with times and confidence, low-confidence marks,
click to select and play, word edit + undo, and the dock in the main window."""

import json

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import open_and_wait
from workbench.core.analysis.results import Transcript, Word
from workbench.core.document.analysis_commands import ApplyAnalysisCommand
from workbench.core.document.document import Document
from workbench.core.document.history import History
from workbench.core.document.transcript_export import TranscriptFormat
from workbench.runtime.model_jobs import ModelJob
from workbench.ui.models.recognizer import recognizer_ui
from workbench.ui.models.recognizer.transcript_panel import TranscriptPanel, words_tier

RATE = 16000


def transcript(duration=3.0):
    words = (Word("hello", 0.2, 0.6, 0.93), Word("wurld", 0.8, 1.3, 0.31),
             Word("again", 1.5, 2.0, 0.72))
    return Transcript.from_words(words, "recognizer", "cpu", 0.1, (0.0, duration))


@pytest.fixture
def document():
    return Document.from_array(np.zeros((3 * RATE, 1), np.float32), RATE, name="talk")


@pytest.fixture
def panel(qtbot, document):
    history = History(document)
    history.push(ApplyAnalysisCommand("transcribe", transcript(), "Transcribe"))
    widget = TranscriptPanel()
    qtbot.addWidget(widget)
    widget.set_document(document, history)
    return widget


def cell(panel, row, column):
    return panel.table.item(row, column).text()


def test_lists_words_with_times_and_confidence_and_marks_low_ones(panel):
    assert panel.table.rowCount() == 3
    assert [cell(panel, r, 0) for r in range(3)] == ["hello", "wurld", "again"]
    assert (cell(panel, 1, 1), cell(panel, 1, 2), cell(panel, 1, 3)) == ("0.80", "1.30", "0.31")
    assert [panel.is_low(r) for r in range(3)] == [False, True, False]
    assert panel.table.item(1, 0).background().color().isValid()


def test_clicking_a_word_emits_its_span_in_frames(qtbot, panel):
    with qtbot.waitSignal(panel.word_activated) as blocker:
        rect = panel.table.visualItemRect(panel.table.item(1, 2))
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [round(0.8 * RATE), round(1.3 * RATE)]


def test_editing_a_word_is_one_undoable_command_that_keeps_its_times(qtbot, panel, document):
    before = words_tier(document).labels[1]
    panel.table.item(1, 0).setText("world")
    after = words_tier(document).labels[1]
    assert (after.text, after.start, after.end, after.id) == (
        "world", before.start, before.end, before.id)
    assert panel.history.undo_label.startswith("Edit")
    qtbot.waitUntil(lambda: cell(panel, 1, 0) == "world")
    panel.history.undo()
    assert words_tier(document).labels[1].text == "wurld"
    qtbot.waitUntil(lambda: cell(panel, 1, 0) == "wurld")
    assert cell(panel, 1, 1) == "0.80"


def test_time_columns_are_not_editable(panel):
    assert not panel.table.item(0, 1).flags() & Qt.ItemFlag.ItemIsEditable
    assert panel.table.item(0, 0).flags() & Qt.ItemFlag.ItemIsEditable


def test_dock_is_hidden_until_a_transcript_is_applied_then_click_selects_and_plays(
        qtbot, window, tone_file, monkeypatch):
    dock = window.recognizer_ui.dock
    entry = open_and_wait(qtbot, window, tone_file)
    assert not dock.isVisible()
    doc = entry.document
    job = ModelJob(None, "transcribe", doc, 0, doc.frames, doc.audio_revision, "recognizer")
    assert window.model_jobs.apply_result(job, transcript())
    qtbot.waitUntil(dock.isVisible)
    panel = window.recognizer_ui.panel
    assert panel.table.rowCount() == 3
    played = []
    monkeypatch.setattr(window.player, "play_range",
                        lambda start, stop, loop=None: played.append((start, stop)))
    panel.word_activated.emit(doc.sample_rate // 5, doc.sample_rate * 3 // 5)
    span = (doc.sample_rate // 5, doc.sample_rate * 3 // 5)
    assert (doc.selection.start, doc.selection.stop) == span
    assert played == [span]


def test_dock_follows_the_current_tab(qtbot, window, tone_file, tmp_path):
    first = open_and_wait(qtbot, window, tone_file)
    doc = first.document
    job = ModelJob(None, "transcribe", doc, 0, doc.frames, doc.audio_revision, "recognizer")
    window.model_jobs.apply_result(job, transcript())
    qtbot.waitUntil(window.recognizer_ui.dock.isVisible)
    other = tmp_path / "other.wav"
    other.write_bytes(tone_file.read_bytes())
    window.open_paths([other])
    qtbot.waitUntil(lambda: len(window.open_documents) == 2, timeout=10000)
    qtbot.waitUntil(window.is_idle, timeout=20000)
    window.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: not window.recognizer_ui.dock.isVisible())
    assert window.recognizer_ui.panel.table.rowCount() == 0
    window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(window.recognizer_ui.dock.isVisible)
    assert window.recognizer_ui.panel.table.rowCount() == 3


def test_export_menu_offers_every_format_and_asks_for_it(qtbot, panel):
    formats = [a.data() for a in panel.export_menu.actions()]
    assert formats == list(TranscriptFormat)
    with qtbot.waitSignal(panel.export_requested) as blocker:
        panel.export_menu.actions()[1].trigger()
    assert blocker.args == [TranscriptFormat.SRT]


def test_export_writes_each_format_of_the_edited_transcript(qtbot, window, tone_file,
                                                           tmp_path, monkeypatch):
    entry = open_and_wait(qtbot, window, tone_file)
    doc = entry.document
    job = ModelJob(None, "transcribe", doc, 0, doc.frames, doc.audio_revision, "recognizer")
    window.model_jobs.apply_result(job, transcript())
    panel = window.recognizer_ui.panel
    qtbot.waitUntil(lambda: panel.table.rowCount() == 3)
    panel.table.item(1, 0).setText("world")
    written = {}
    for fmt in TranscriptFormat:
        path = tmp_path / f"out-{fmt.name}{fmt.suffix}"
        assert window.recognizer_ui.export(fmt, path)
        written[fmt] = path.read_text(encoding="utf-8")
    assert written[TranscriptFormat.TXT] == "hello world again\n"
    assert "00:00:00,200 --> 00:00:02,000\nhello world again" in written[TranscriptFormat.SRT]
    assert written[TranscriptFormat.VTT].startswith("WEBVTT\n\n00:00:00.200 --> 00:00:02.000")
    data = json.loads(written[TranscriptFormat.JSON])
    assert data["file"] == str(tone_file) and data["model"] == "recognizer"
    assert [w["word"] for w in data["words"]] == ["hello", "world", "again"]
    assert data["words"][1]["confidence"] == pytest.approx(0.31)
    assert written[TranscriptFormat.AUDACITY].splitlines()[1] == "0.800000\t1.300000\tworld"
    # The menu asks for a file name, then writes there.
    chosen = tmp_path / "chosen.srt"
    monkeypatch.setattr(recognizer_ui.QFileDialog, "getSaveFileName",
                        lambda *args, **kwargs: (str(chosen), ""))
    panel.export_menu.actions()[1].trigger()
    assert chosen.read_text(encoding="utf-8") == written[TranscriptFormat.SRT]


def test_export_without_a_transcript_writes_nothing(qtbot, window, tone_file, tmp_path):
    open_and_wait(qtbot, window, tone_file)
    path = tmp_path / "none.txt"
    assert not window.recognizer_ui.export(TranscriptFormat.TXT, path)
    assert not path.exists()

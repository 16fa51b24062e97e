"""Projects, saving and recovery as the user meets them: File menu, titles, questions, dialog."""

from __future__ import annotations

import errno
import os

import numpy as np
import pytest
import soundfile as sf

from tests.core.document_compare import assert_documents_equal
from tests.core.project_docs import opened_document, write_wav
from tests.ui.conftest import open_and_wait
from workbench.core.audio.audio_convert import SampleFormat
from workbench.core.audio.wav_writer import WavWriter
from workbench.core.document.edit_commands import DeleteCommand
from workbench.core.document.effects import GainCommand
from workbench.core.document.history import History
from workbench.core.document.selection import Selection
from workbench.core.storage.project_file import ProjectFileError
from workbench.core.storage.recovery import find_recoverable
from workbench.core.storage.recovery_journal import RecoveryJournal, recovery_root
from workbench.core.storage.take_recovery import (
    find_unfinished_takes,
    new_take_sidecar,
    write_sidecar,
)
from workbench.ui.dialogs.recovery_dialog import DISCARD, LATER, RECOVER
from workbench.ui.shell.project_actions import OVERWRITE, SAVE_PROJECT
from workbench.ui.shell.unsaved_guard import CANCEL, SAVE


class Answers:
    """Answers the window's questions with prepared choices, in order, and keeps the texts."""

    def __init__(self, *choices: str) -> None:
        self.choices, self.asked = list(choices), []

    def __call__(self, title, text, choices, answered) -> None:
        self.asked.append(text)
        choice = self.choices.pop(0)
        assert choice in choices
        answered(choice)


def tab_text(window, entry) -> str:
    return window.tabs.tabText(window.tabs.indexOf(entry.view))


def delete_start(window, entry, frames=1000) -> None:
    """The user goes to the document's tab, selects the first frames and presses Delete."""
    window.tabs.setCurrentWidget(entry.view)
    entry.document.set_selection(Selection(0, frames))
    window.edit_actions.actions["delete"].trigger()


def journal_files():
    return sorted(recovery_root().glob("*/journal.wbj"))


def test_saving_as_a_project_and_opening_it_again(qtbot, window, tone_file, tmp_path):
    entry = open_and_wait(qtbot, window, tone_file)
    original = tone_file.read_bytes()
    delete_start(window, entry)
    assert tab_text(window, entry) == "tone.wav*" and "tone.wav*" in window.windowTitle()
    entry.view.set_visible_range(0.5, 1.25)
    window.projects.ask = Answers(SAVE_PROJECT)
    window.projects.choose_save_path = lambda suggested: tmp_path / "song"
    window.projects.actions["save"].trigger()
    qtbot.waitUntil(lambda: tab_text(window, entry) == "song.wbproj", timeout=10000)
    assert tone_file.read_bytes() == original  # the audio file was left alone
    assert "opened as an audio file" in window.projects.ask.asked[0]
    assert journal_files() == []  # saved: nothing left to recover
    window.projects.choose_open_path = lambda: tmp_path / "song.wbproj"
    window.projects.actions["open_project"].trigger()
    qtbot.waitUntil(lambda: len(window.open_documents) == 2, timeout=10000)
    reopened = window.open_documents[1]
    assert_documents_equal(entry.document, reopened.document)
    assert tab_text(window, reopened) == "song.wbproj"
    assert reopened.view.visible_range() == pytest.approx((0.5, 1.25), abs=1e-6)


def test_saving_an_opened_audio_file_asks_before_overwriting_it(qtbot, window, tone_file):
    entry = open_and_wait(qtbot, window, tone_file)
    original = tone_file.read_bytes()
    delete_start(window, entry)
    window.projects.ask = Answers(CANCEL)
    window.projects.actions["save"].trigger()
    assert tone_file.read_bytes() == original and entry.history.is_dirty
    window.projects.ask = Answers(OVERWRITE)
    window.projects.actions["save"].trigger()
    qtbot.waitUntil(lambda: not entry.history.is_dirty, timeout=10000)
    assert tab_text(window, entry) == "tone.wav"
    written, rate = sf.read(tone_file, dtype="float32", always_2d=True)
    assert rate == 16000 and np.array_equal(written, entry.document.tracks[0].samples.read())
    assert journal_files() == []


def test_closing_a_document_with_unsaved_changes_asks(qtbot, window, tone_file, tmp_path):
    entry = open_and_wait(qtbot, window, tone_file)
    delete_start(window, entry)
    assert len(journal_files()) == 1  # the edit is already on disk for recovery
    window.projects.ask = Answers(CANCEL)
    window.close_tab(0)
    assert window.open_documents == [entry]
    window.projects.ask = Answers(DISCARD)
    window.close_tab(0)
    qtbot.waitUntil(lambda: window.open_documents == [], timeout=5000)
    assert journal_files() == [] and find_recoverable() == ([], [])


def test_choosing_save_when_closing_saves_then_closes(qtbot, window, tone_file, tmp_path):
    entry = open_and_wait(qtbot, window, tone_file)
    delete_start(window, entry)
    window.projects.ask = Answers(SAVE, SAVE_PROJECT)
    window.projects.choose_save_path = lambda suggested: tmp_path / "kept.wbproj"
    window.close_tab(0)
    qtbot.waitUntil(lambda: window.open_documents == [], timeout=10000)
    assert (tmp_path / "kept.wbproj").exists()


def test_quitting_asks_about_every_unsaved_document(qtbot, window, tone_file, tmp_path):
    first = open_and_wait(qtbot, window, tone_file)
    second = open_and_wait(qtbot, window, write_wav(tmp_path / "other.wav"))
    delete_start(window, first)
    delete_start(window, second)
    window.projects.ask = Answers(DISCARD, CANCEL)
    window.close()
    assert window.isVisible() and len(journal_files()) == 2  # nothing thrown away
    window.projects.ask = Answers(DISCARD, DISCARD)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert journal_files() == []


def test_a_failing_save_reports_and_keeps_everything(qtbot, window, tone_file, tmp_path,
                                                     monkeypatch):
    entry = open_and_wait(qtbot, window, tone_file)
    delete_start(window, entry)
    window.projects.save_project(entry, tmp_path / "song.wbproj")
    qtbot.waitUntil(lambda: not entry.history.is_dirty, timeout=10000)
    before = (tmp_path / "song.wbproj").read_bytes()
    delete_start(window, entry)
    with monkeypatch.context() as patch:
        def full(*_args):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        patch.setattr(os, "replace", full)
        window.projects.actions["save"].trigger()
        qtbot.waitUntil(lambda: window.errors.last_error is not None, timeout=10000)
    assert isinstance(window.errors.last_error, ProjectFileError)
    assert "No space left on device" in window.errors.last_dialog.text()
    assert (tmp_path / "song.wbproj").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if "song" in p.name) == ["song.wbproj"]
    assert tab_text(window, entry) == "song.wbproj*" and len(journal_files()) == 1
    delete_start(window, entry)  # still editable, still journaled
    window.projects.actions["save"].trigger()
    qtbot.waitUntil(lambda: not entry.history.is_dirty, timeout=10000)


def _crashed_session(tmp_path):
    """What a killed workbench leaves: a journal of an edited file, and a take mid-recording."""
    doc = opened_document(write_wav(tmp_path / "crashed.wav"))
    history = History(doc)
    journal = RecoveryJournal(doc, history)
    history.push(DeleteCommand(100, 900))
    history.push(GainCommand(0, 4000, -6.0))
    journal.close()
    sidecar = new_take_sidecar(8000, 1, SampleFormat.INT16)
    write_sidecar(sidecar)
    writer = WavWriter(sidecar.wav_path, 8000, 1, SampleFormat.INT16)
    writer.write(np.full((800, 1), 0.25, np.float32))
    writer.flush()  # on disk; the writer is never closed, as when the app is killed
    return doc, sidecar


def test_recovery_at_start_restores_unsaved_work(qtbot, window, tmp_path):
    crashed, sidecar = _crashed_session(tmp_path)
    dialog = window.projects.offer_recovery()
    assert len(dialog.items) == 2 and "crashed.wav" in dialog.items[0].description
    dialog.set_choice(0, RECOVER)
    dialog.set_choice(1, DISCARD)
    dialog.accept()
    qtbot.waitUntil(lambda: len(window.open_documents) == 1, timeout=10000)
    entry = window.open_documents[0]
    assert_documents_equal(crashed, entry.document)
    assert tab_text(window, entry) == "crashed.wav*"
    assert not sidecar.wav_path.exists() and find_unfinished_takes() == []
    assert len(journal_files()) == 1  # kept until the user saves
    window.projects.ask = Answers(SAVE_PROJECT)
    window.projects.choose_save_path = lambda suggested: tmp_path / "rescued.wbproj"
    window.projects.actions["save"].trigger()
    qtbot.waitUntil(lambda: not entry.history.is_dirty, timeout=10000)
    assert journal_files() == []


def test_declining_recovery_leaves_the_saved_file_and_later_keeps_the_offer(qtbot, window,
                                                                            tmp_path):
    _crashed_session(tmp_path)
    original = (tmp_path / "crashed.wav").read_bytes()
    dialog = window.projects.offer_recovery()
    dialog.set_choice(0, LATER)
    dialog.set_choice(1, RECOVER)  # the take opens as a new, unsaved document
    dialog.accept()
    qtbot.waitUntil(lambda: len(window.open_documents) == 1, timeout=10000)
    assert window.open_documents[0].history.is_dirty
    [later], _ = find_recoverable()
    assert later.title == "crashed.wav"
    dialog = window.projects.offer_recovery()
    assert len(dialog.items) == 2  # the take stays offered until it is saved elsewhere
    dialog.set_choice(0, DISCARD)
    dialog.set_choice(1, LATER)
    dialog.accept()
    assert find_recoverable() == ([], [])
    assert (tmp_path / "crashed.wav").read_bytes() == original


def test_damaged_recovery_data_is_set_aside_with_a_message(qtbot, window):
    folder = recovery_root() / "feedfacecafe"
    folder.mkdir()
    (folder / "journal.wbj").write_bytes(b"garbage, not a journal" * 10)
    assert window.projects.offer_recovery() is None
    assert "moved to" in window.errors.last_dialog.text()
    assert (recovery_root() / "feedfacecafe.corrupt").is_dir()

"""Recovery journals: every committed action recoverable, torn tails ignored, damage set aside."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.core.document_compare import assert_documents_equal
from tests.core.project_docs import opened_document, rich_document, write_wav
from workbench.core.document.document import Document, Track
from workbench.core.document.edit_commands import CutCommand, DeleteCommand, InsertSilenceCommand
from workbench.core.document.effects import GainCommand, ReverseCommand
from workbench.core.document.history import History
from workbench.core.document.label_commands import AddLabelCommand, AddTierCommand
from workbench.core.storage.journal_format import JournalCorruptError
from workbench.core.storage.recovery import (
    RecoveryError,
    find_recoverable,
    recover_document,
)
from workbench.core.storage.recovery_journal import RecoveryJournal, recovery_root


def _copy_state(doc: Document) -> Document:
    """A detached copy of what `doc` shows now (blocks are immutable, so sharing is safe)."""
    tracks = [Track(t.name, t.samples) for t in doc.tracks]  # Track objects are mutable
    copy = Document(tracks, doc.sample_rate, doc.path, doc.info, doc.label_tiers)
    copy.analyses = dict(doc.analyses)
    copy.set_selection(doc.selection)
    return copy


def _edit_steps(doc: Document, history: History, tier_id: str) -> list:
    return [lambda: history.push(CutCommand(100, 900)),
            lambda: history.push(GainCommand(0, 2000, 6.0)),
            lambda: history.push(AddLabelCommand(tier_id, 50, 400, "région")),
            lambda: history.push(InsertSilenceCommand(10, 500)),
            history.undo,
            lambda: history.push(ReverseCommand(300, 1300)),
            history.undo,
            history.redo]


@pytest.fixture
def edited(tmp_path):
    """An opened WAV with a journal; returns (doc, history, journal, states, sizes):
    the state and the journal's size after each committed action."""
    doc = opened_document(write_wav(tmp_path / "take.wav"))
    history = History(doc)
    journal = RecoveryJournal(doc, history)
    tier = AddTierCommand("notes")
    history.push(tier)
    states, sizes = [_copy_state(doc)], [journal.journal_path.stat().st_size]
    for step in _edit_steps(doc, history, tier.tier_id):
        step()
        states.append(_copy_state(doc))
        sizes.append(journal.journal_path.stat().st_size)
    yield doc, history, journal, states, sizes
    journal.close()


def test_the_recovered_document_equals_the_last_action(edited):
    doc, _history, journal, _states, _sizes = edited
    journal.close()
    [offered], set_aside = find_recoverable()
    assert not set_aside
    assert offered.title == "take.wav" and offered.last_action == "Reverse 0.04–0.16 s"
    recovered = recover_document(offered.directory)
    assert_documents_equal(doc, recovered.document)
    assert recovered.document.path == doc.path and recovered.document.info == doc.info


def test_a_rich_document_is_recovered_exactly(tmp_path):
    doc, history = rich_document(tmp_path)
    journal = RecoveryJournal(doc, history)
    history.push(DeleteCommand(0, 10))
    journal.close()
    assert_documents_equal(doc, recover_document(journal.directory).document)


def test_a_torn_last_record_loses_only_the_last_action(edited):
    _doc, _history, journal, states, sizes = edited
    journal.close()
    data = journal.journal_path.read_bytes()
    for cut in range(sizes[-2], sizes[-1], max(1, (sizes[-1] - sizes[-2]) // 40)):
        journal.journal_path.write_bytes(data[:cut])
        assert_documents_equal(states[-2], recover_document(journal.directory).document)
    journal.journal_path.write_bytes(data)
    assert_documents_equal(states[-1], recover_document(journal.directory).document)


def test_a_garbled_last_record_counts_as_torn(edited):
    """A last record of full length but wrong checksum (lost writes after a power cut)."""
    _doc, _history, journal, states, _sizes = edited
    journal.close()
    data = bytearray(journal.journal_path.read_bytes())
    data[-3] ^= 0xFF
    journal.journal_path.write_bytes(bytes(data))
    assert_documents_equal(states[-2], recover_document(journal.directory).document)
    assert len(find_recoverable()[0]) == 1


def test_every_committed_action_can_be_recovered(edited):
    _doc, _history, journal, states, sizes = edited
    journal.close()
    data = journal.journal_path.read_bytes()
    for state, size in zip(states, sizes, strict=True):
        journal.journal_path.write_bytes(data[:size])
        assert_documents_equal(state, recover_document(journal.directory).document)


def test_damage_inside_the_journal_sets_it_aside_and_keeps_the_others(edited, tmp_path):
    _doc, _history, journal, _states, sizes = edited
    journal.close()
    data = bytearray(journal.journal_path.read_bytes())
    data[sizes[2] - 5] ^= 0xFF  # inside a state record that has others after it
    journal.journal_path.write_bytes(bytes(data))
    other = opened_document(write_wav(tmp_path / "other.wav"))
    other_history = History(other)
    other_journal = RecoveryJournal(other, other_history)
    other_history.push(DeleteCommand(0, 100))
    other_journal.close()
    offered, set_aside = find_recoverable()
    assert [d.title for d in offered] == ["other.wav"]
    [aside] = set_aside
    assert aside.moved_to.name == journal.directory.name + ".corrupt"
    assert aside.moved_to.is_dir() and not journal.directory.exists()
    assert "checksum" in aside.message and str(aside.moved_to) in aside.message
    assert find_recoverable() == (offered, [])  # set aside once, not offered again


@pytest.mark.parametrize("content", [b"\x00" * 100, b"not a journal at all, just text",
                                     os.urandom(5000)])
def test_a_garbage_journal_never_blocks_start_up(content):
    folder = recovery_root() / "0123abcd"
    folder.mkdir()
    (folder / "journal.wbj").write_bytes(content)
    offered, [aside] = find_recoverable()
    assert offered == [] and aside.moved_to.exists()


def test_a_journal_killed_while_starting_holds_nothing_and_is_removed():
    folder = recovery_root() / "0123abcd"
    folder.mkdir()
    (folder / "journal.wbj").write_bytes(b"WBJOURNAL 1\nT\x10")
    assert find_recoverable() == ([], [])
    assert not folder.exists()


def test_a_journal_back_at_the_saved_state_is_not_offered(tmp_path):
    doc = opened_document(write_wav(tmp_path / "a.wav"))
    history = History(doc)
    journal = RecoveryJournal(doc, history)
    history.push(DeleteCommand(0, 100))
    history.undo()  # the document equals the file again
    journal.close()
    assert find_recoverable() == ([], [])
    assert not journal.directory.exists()


def test_a_journal_still_in_use_is_not_offered(edited):
    assert find_recoverable() == ([], [])
    _doc, _history, journal, _states, _sizes = edited
    assert journal.journal_path.exists()


def test_saving_removes_the_journal_and_the_next_change_starts_a_new_one(edited):
    doc, history, journal, _states, _sizes = edited
    journal.saved(Path("/somewhere/take.wbproj"))
    history.mark_saved()
    assert not journal.journal_path.exists()
    history.push(DeleteCommand(0, 10))
    journal.close()
    [offered], _ = find_recoverable()
    assert offered.project_path == Path("/somewhere/take.wbproj")
    assert offered.actions == 1
    assert_documents_equal(doc, recover_document(offered.directory).document)


def test_discarding_deletes_the_recovery_data(edited):
    _doc, _history, journal, _states, _sizes = edited
    journal.discard()
    assert not journal.directory.exists()
    assert find_recoverable() == ([], [])


def test_a_changed_audio_file_is_reported_not_misread(edited):
    doc, _history, journal, _states, _sizes = edited
    journal.close()
    sf.write(doc.path, np.zeros((100, 2), np.float32), 8000, subtype="PCM_16")
    with pytest.raises(RecoveryError) as caught:
        recover_document(journal.directory)
    assert "take.wav" in str(caught.value) and "changed" in str(caught.value)


def test_samples_of_a_replaced_file_are_embedded(tmp_path):
    """After the original is overwritten (Save Audio), the journal no longer trusts its path."""
    doc = opened_document(write_wav(tmp_path / "a.wav"))
    history = History(doc)
    journal = RecoveryJournal(doc, history)
    replacement = tmp_path / "new.wav"
    write_wav(replacement, seed=5)
    os.replace(replacement, tmp_path / "a.wav")  # the document still reads the old inode
    history.push(DeleteCommand(0, 100))
    journal.close()
    assert_documents_equal(doc, recover_document(journal.directory).document)


def test_a_recovered_document_continues_its_journal(edited):
    doc, _history, journal, _states, _sizes = edited
    journal.close()
    recovered = recover_document(journal.directory)
    history = History(recovered.document)
    history.mark_unsaved()
    resumed = RecoveryJournal(recovered.document, history, directory=recovered.directory,
                              resumed_keys=recovered.source_keys)
    history.push(GainCommand(0, 500, -20.0))
    resumed.close()
    again = recover_document(journal.directory)
    assert_documents_equal(recovered.document, again.document)
    assert again.last_action == "Gain -20.0 dB"


def test_a_recovered_journal_with_a_torn_tail_continues_cleanly(edited):
    _doc, _history, journal, states, sizes = edited
    journal.close()
    journal.journal_path.write_bytes(journal.journal_path.read_bytes()[: sizes[-1] - 7])
    recovered = recover_document(journal.directory)
    assert_documents_equal(states[-2], recovered.document)
    history = History(recovered.document)
    history.mark_unsaved()
    resumed = RecoveryJournal(recovered.document, history, directory=recovered.directory,
                              resumed_keys=recovered.source_keys)
    history.push(DeleteCommand(0, 50))
    resumed.close()
    [offered], set_aside = find_recoverable()
    assert set_aside == []
    assert_documents_equal(recovered.document, recover_document(offered.directory).document)


def test_a_failing_disk_stops_the_journal_but_not_the_editing(edited, monkeypatch):
    doc, history, journal, states, sizes = edited
    failures = []
    journal.failed.connect(failures.append)

    def full(*_args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "writev", full)
    history.push(DeleteCommand(0, 10))
    history.push(DeleteCommand(0, 10))
    monkeypatch.undo()
    assert [f.errno for f in failures] == [errno.ENOSPC]  # reported once
    assert doc.frames == states[-1].frames - 20  # editing went on
    journal.close()
    assert_documents_equal(states[-1], recover_document(journal.directory).document)


def test_each_action_is_flushed_to_disk_before_it_returns(tmp_path, monkeypatch):
    doc = opened_document(write_wav(tmp_path / "a.wav"))
    history = History(doc)
    journal = RecoveryJournal(doc, history)
    flushed = []
    real = os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: (flushed.append(history.index), real(fd)))
    for _ in range(3):
        history.push(DeleteCommand(0, 10))
    journal.close()
    assert flushed == [1, 2, 3]


def test_a_corrupt_sample_record_is_reported_when_recovering(tmp_path):
    doc = Document.from_array(np.zeros((1000, 1), np.float32), 8000)
    history = History(doc)
    journal = RecoveryJournal(doc, history)
    history.push(GainCommand(0, 1000, 1.0))
    history.push(DeleteCommand(0, 10))
    journal.close()
    data = bytearray(journal.journal_path.read_bytes())
    data[len(data) // 3] ^= 0xFF  # inside the embedded samples
    journal.journal_path.write_bytes(bytes(data))
    with pytest.raises(JournalCorruptError):
        recover_document(journal.directory)

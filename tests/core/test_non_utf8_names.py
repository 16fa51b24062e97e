"""File names that are not UTF-8 (Linux names are bytes) open, save and reopen everywhere."""

import os
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.core.project_docs import RATE, opened_document
from workbench.core.audio.audio_file import read_audio
from workbench.core.document.edit_commands import CutCommand
from workbench.core.document.history import History
from workbench.core.paths import display_name
from workbench.core.settings import Settings
from workbench.core.storage.project_file import read_project, save_project
from workbench.core.storage.recovery import find_recoverable, recover_document
from workbench.core.storage.recovery_journal import RecoveryJournal

LATIN1_E = b"\xe9"  # "é" in Latin-1: not valid UTF-8 on its own


def odd_name(folder: Path, stem: bytes, suffix: str) -> Path:
    """A path whose name holds a byte that is not UTF-8, as Python sees it."""
    return Path(os.fsdecode(os.fsencode(folder) + b"/" + stem + LATIN1_E + suffix.encode()))


def write_wav(path: Path) -> Path:
    data = np.random.default_rng(0).uniform(-0.3, 0.3, (RATE, 2))
    sf.write(os.fsencode(path), data, RATE, subtype="PCM_16")  # bytes: soundfile's str
    return path                                                  # path must be UTF-8


def test_display_name_shows_the_odd_byte_as_a_replacement_character(tmp_path):
    assert display_name(odd_name(tmp_path, b"caf", ".wav").name) == "caf\ufffd.wav"
    assert display_name("plain é.wav") == "plain é.wav"


def test_a_wav_and_a_flac_with_such_names_open(tmp_path):
    wav = write_wav(odd_name(tmp_path, b"take", ".wav"))
    flac = odd_name(tmp_path, b"take", ".flac")
    sf.write(os.fsencode(flac), np.zeros((800, 1)), 8000, format="FLAC")
    assert read_audio(wav).info.memory_mapped
    decoded = read_audio(flac)  # through the decode cache, whose key hashes the name
    assert not decoded.info.memory_mapped and decoded.source.frames == 800
    assert read_audio(flac).source.frames == 800  # the cached copy is found again


def test_a_project_with_such_names_saves_and_reopens(tmp_path):
    source = write_wav(odd_name(tmp_path, b"source", ".wav"))
    doc = opened_document(source)
    project = odd_name(tmp_path, b"project", ".wbproj")
    save_project(doc, project)
    loaded = read_project(project)
    assert loaded.document.tracks[0].samples.frames == doc.tracks[0].samples.frames
    assert loaded.document.path == source  # the exact bytes of the name came back
    assert loaded.document.title == display_name(source.name)


def test_recent_files_keep_such_names_exactly(tmp_path):
    path = write_wav(odd_name(tmp_path, b"recent", ".wav"))
    settings = Settings()
    settings.add_recent(path)
    settings.save(tmp_path / "settings.json")
    again = Settings.load(tmp_path / "settings.json")
    assert again.recent_files == [str(path.resolve())]
    assert Path(again.recent_files[0]).exists()


def test_a_journal_of_such_a_file_recovers_it(tmp_path):
    source = write_wav(odd_name(tmp_path, b"journal", ".wav"))
    doc = opened_document(source)
    history = History(doc)
    journal = RecoveryJournal(doc, history)
    history.push(CutCommand(100, 900))
    journal.close()
    [offered], set_aside = find_recoverable()
    assert not set_aside and offered.title == display_name(source.name)
    recovered = recover_document(offered.directory).document
    assert recovered.path == source
    assert recovered.tracks[0].samples.frames == doc.tracks[0].samples.frames

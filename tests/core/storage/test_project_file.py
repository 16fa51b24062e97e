"""Project files: exact round trips, version checks, and saves that fail without harm."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.core.document_compare import assert_documents_equal
from tests.core.project_docs import opened_document, rich_document, write_wav
from workbench.core.document.document import Document
from workbench.core.document.edit_commands import TrimCommand
from workbench.core.document.history import History
from workbench.core.jobs import Cancelled, CancelToken
from workbench.core.storage import project_file
from workbench.core.storage.project_file import (
    FORMAT_VERSION,
    ProjectFileError,
    ProjectSnapshot,
    extract_dir,
    read_project,
    save_project,
    write_project,
)

ROOT = Path(__file__).resolve().parents[3]


def test_rich_document_round_trips_exactly(tmp_path):
    doc, _history = rich_document(tmp_path)
    view = {"visible_range": [0.25, 1.5], "spectrogram": {"hop": 256, "colormap": "viridis"}}
    save_project(doc, tmp_path / "rich.wbproj", view)
    loaded = read_project(tmp_path / "rich.wbproj")
    assert_documents_equal(doc, loaded.document)
    assert loaded.view_state == view
    assert loaded.document.path == doc.path
    assert loaded.document.info == doc.info
    # NaN stays NaN on disk: the raw bits of the float track are kept, not only what reads show
    raw = loaded.document.tracks[1].samples.blocks[0].source.read_raw(0, 8)
    assert np.isnan(raw[5, 0]) and np.signbit(raw[6, 0])


def test_saving_a_loaded_project_again_gives_the_same_document(tmp_path):
    doc, _ = rich_document(tmp_path)
    save_project(doc, tmp_path / "a.wbproj")
    first = read_project(tmp_path / "a.wbproj").document
    save_project(first, tmp_path / "b.wbproj")
    second = read_project(tmp_path / "b.wbproj").document
    assert_documents_equal(doc, second)


def test_reopening_reuses_the_extracted_samples(tmp_path):
    doc, _ = rich_document(tmp_path)
    save_project(doc, tmp_path / "a.wbproj")
    read_project(tmp_path / "a.wbproj")
    copies = sorted(extract_dir().iterdir())
    again = read_project(tmp_path / "a.wbproj").document
    save_project(again, tmp_path / "a.wbproj")  # re-saved: the whole sources keep their names
    read_project(tmp_path / "a.wbproj")
    assert sorted(extract_dir().iterdir()) == copies


def test_only_the_frames_in_use_are_stored(tmp_path):
    doc = opened_document(write_wav(tmp_path / "long.wav", seconds=60))
    History(doc).push(TrimCommand(8000, 16000))  # keep one second of sixty
    save_project(doc, tmp_path / "trim.wbproj")
    whole_file = (tmp_path / "long.wav").stat().st_size
    assert (tmp_path / "trim.wbproj").stat().st_size < whole_file / 3
    assert_documents_equal(doc, read_project(tmp_path / "trim.wbproj").document)


def test_the_saved_file_is_a_wal_database_with_its_format_version(tmp_path):
    save_project(Document.from_array(np.zeros((10, 1)), 8000), tmp_path / "p.wbproj")
    with open(tmp_path / "p.wbproj", "rb") as f:
        header = f.read(20)
    assert header.startswith(b"SQLite format 3\0")
    assert header[18:20] == b"\x02\x02"  # read and write versions 2: WAL
    db = sqlite3.connect(tmp_path / "p.wbproj")
    try:
        meta = dict(db.execute("SELECT key, value FROM meta"))
    finally:
        db.close()
    assert meta["format_version"] == str(FORMAT_VERSION)
    assert sorted(os.listdir(tmp_path)) == ["p.wbproj"]


def test_a_project_from_a_newer_version_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "new.wbproj"
    save_project(Document.from_array(np.zeros((10, 1)), 8000), path)
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'format_version'",
                   (str(FORMAT_VERSION + 1),))
    db.close()
    with pytest.raises(ProjectFileError) as caught:
        read_project(path)
    message = str(caught.value)
    assert "new.wbproj" in message and "newer" in message
    assert f"format {FORMAT_VERSION + 1}" in message and f"up to {FORMAT_VERSION}" in message


@pytest.mark.parametrize("content", [b"RIFF....WAVEfmt ", b"", b"SQLite format 3\0" + b"x" * 90])
def test_a_file_that_is_not_a_project_is_refused(tmp_path, content):
    path = tmp_path / "odd.wbproj"
    path.write_bytes(content)
    with pytest.raises(ProjectFileError) as caught:
        read_project(path)
    assert "odd.wbproj" in str(caught.value)


def test_a_truncated_project_is_reported_as_damaged(tmp_path):
    doc, _ = rich_document(tmp_path)
    path = tmp_path / "cut.wbproj"
    save_project(doc, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(ProjectFileError) as caught:
        read_project(path)
    assert "cut.wbproj" in str(caught.value)


# -- failing saves ----------------------------------------------------------------------

ERRNOS = [errno.ENOSPC, errno.EIO, errno.EACCES]
SQL_STEPS = {"page size": "PRAGMA page_size", "schema": "script", "source row":
             "INSERT INTO sources", "chunks": "INSERT INTO chunks", "index": "CREATE INDEX",
             "document row": "INSERT INTO document", "meta rows": "INSERT INTO meta",
             "commit": "COMMIT", "wal": "PRAGMA journal_mode = WAL", "close": "close"}
OS_STEPS = ["create temp", "permissions", "fsync", "replace"]


class FaultyConnection:
    """A real connection that raises `error` at one step (the second chunk batch for
    "chunks", after really closing for "close")."""

    def __init__(self, real: sqlite3.Connection, prefix: str, error: OSError) -> None:
        self.real, self.prefix, self.error = real, prefix, error
        self.chunk_batches = 0

    def _check(self, sql: str) -> None:
        if sql.strip().startswith(self.prefix):
            if self.prefix == "INSERT INTO chunks":
                self.chunk_batches += 1
                if self.chunk_batches < 2:
                    return
            raise self.error

    def execute(self, sql, *args):
        self._check(sql)
        return self.real.execute(sql, *args)

    def executemany(self, sql, rows):
        self._check(sql)
        return self.real.executemany(sql, rows)

    def executescript(self, sql):
        self._check("script")
        return self.real.executescript(sql)

    def close(self):
        self.real.close()
        self._check("close")


def _inject(monkeypatch, step: str, error: OSError) -> None:
    if step in SQL_STEPS:
        real_connect = project_file._connect
        monkeypatch.setattr(project_file, "_connect",
                            lambda path: FaultyConnection(real_connect(path), SQL_STEPS[step],
                                                          error))
        return
    real_open = os.open

    def failing(*_args, **_kwargs):
        raise error

    def open_failing_create(path, flags, *args):
        if flags & os.O_EXCL:
            raise error
        return real_open(path, flags, *args)

    patches = {"create temp": ("open", open_failing_create), "permissions": ("fchmod", failing),
               "fsync": ("fsync", failing), "replace": ("replace", failing)}
    name, fake = patches[step]
    monkeypatch.setattr(os, name, fake)


@pytest.mark.parametrize("code", ERRNOS, ids=errno.errorcode.get)
@pytest.mark.parametrize("step", [*SQL_STEPS, *OS_STEPS])
def test_a_failing_save_leaves_the_previous_project_intact(tmp_path, monkeypatch, step, code):
    monkeypatch.setattr(project_file, "CHUNK_BYTES", 256)  # many chunk batches, little audio
    folder = tmp_path / "projects"
    folder.mkdir()
    target = folder / "song.wbproj"
    old = Document.from_array(np.full((300, 1), 0.5, np.float32), 8000)
    save_project(old, target)
    before, names = target.read_bytes(), sorted(os.listdir(folder))
    doc, _ = rich_document(tmp_path)
    error = OSError(code, os.strerror(code))
    with monkeypatch.context() as patch:
        _inject(patch, step, error)
        with pytest.raises(ProjectFileError) as caught:
            save_project(doc, target)
    assert "song.wbproj" in str(caught.value) and os.strerror(code) in str(caught.value)
    assert target.read_bytes() == before
    assert sorted(os.listdir(folder)) == names
    save_project(doc, target)  # the document is untouched and the next save works
    assert_documents_equal(doc, read_project(target).document)


def test_a_cancelled_save_leaves_the_previous_project_intact(tmp_path, monkeypatch):
    monkeypatch.setattr(project_file, "CHUNK_BYTES", 256)
    target = tmp_path / "song.wbproj"
    save_project(Document.from_array(np.zeros((10, 1)), 8000), target)
    before = target.read_bytes()
    doc, _ = rich_document(tmp_path)
    cancel = CancelToken()
    task = write_project(ProjectSnapshot.of(doc), target, cancel)
    next(task)
    cancel.set()
    with pytest.raises(Cancelled):
        for _ in task:
            pass
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if "song" in p.name) == ["song.wbproj"]


FULL_DISK_CHILD = """
import json, resource, signal, sys
import numpy as np
from workbench.core.document.document import Document
from workbench.core.storage.project_file import ProjectFileError, save_project
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit then fail with EFBIG
soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, hard))
doc = Document.from_array(np.random.default_rng(0).standard_normal((1 << 20, 1)), 8000)
try:
    save_project(doc, sys.argv[1])
    print(json.dumps({"error": None}))
except ProjectFileError as exc:
    print(json.dumps({"error": str(exc), "reason": exc.reason}))
"""


def test_a_real_write_failure_mid_save_leaves_the_previous_project_intact(tmp_path):
    """The file size limit makes the kernel refuse writes past 1 MB, as a full disk would."""
    target = tmp_path / "song.wbproj"
    save_project(Document.from_array(np.zeros((1000, 1)), 8000), target)
    before = target.read_bytes()
    out = subprocess.run([sys.executable, "-c", FULL_DISK_CHILD, str(target)], cwd=ROOT,
                         capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["error"] and "song.wbproj" in result["error"]
    assert target.read_bytes() == before
    assert os.listdir(tmp_path) == ["song.wbproj"]

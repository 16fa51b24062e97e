"""Autosave: a recovery journal that follows one open document action by action.

After every committed change on the document's History, the journal appends
the document's state to `<data_dir>/recovery/<id>/journal.wbj` (format in
journal_format.py) and flushes it to disk before the change returns, so a
crash at any moment loses at most the action being written.  A state is the
document's structure (block lists, sample rate, selection, and labels and
analyses when they changed): a few kilobytes even for an hour of audio.
Samples are written once per source: an opened file that still is what the
source reads is referenced by path, size, modification time and inode;
samples made by edits (or a file replaced since it was opened) are embedded.

After an explicit save the journal empties itself (`saved`), and the next
change starts a new file; `discard` deletes it (the user threw the changes
away); `close` keeps it (the app quits and will offer it next time).  While a
journal is open it holds a lock on its folder, so that another running
workbench never offers a document that is still open (recovery.py).

Ownership and threading: GUI thread, like the document and history it
follows.  A failure to write (disk full) never breaks editing: `failed` is
emitted with the OSError, and journaling stops until the next save.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from contextlib import suppress
from pathlib import Path

import numpy as np

from workbench import __version__
from workbench.core import paths
from workbench.core.audio.sample_source import SampleSource
from workbench.core.audio.source_storage import source_meta, stored_frames
from workbench.core.document.document import Document
from workbench.core.document.history import History
from workbench.core.events import Event
from workbench.core.storage.document_codec import (
    block_refs,
    encode_analyses,
    encode_info,
    encode_selection,
    encode_tiers,
    encode_tracks,
)
from workbench.core.storage.journal_format import (
    FILE_MAGIC,
    HEADER,
    STATE,
    json_record,
    scan,
    source_record,
    write_all,
)

RECOVERY_SUBDIR = "recovery"
JOURNAL_NAME = "journal.wbj"
LOCK_NAME = "lock"


def recovery_root() -> Path:
    """Where recovery journals live (created on demand)."""
    folder = paths.data_dir() / RECOVERY_SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class RecoveryJournal:
    """Keeps a crash-recovery copy of one document, written after every committed action.

    `project_path` is the project the document was last saved to, if any;
    `describe()` is what the recovery dialog shows.  To continue a journal
    after recovering from it, pass its `directory` and the source keys
    (`SampleSource.id` -> key) that the recovery returned.
    """

    def __init__(self, document: Document, history: History, root: Path | None = None,
                 project_path: Path | None = None, directory: Path | None = None,
                 resumed_keys: dict[int, int] | None = None) -> None:
        self.document, self.history = document, history
        self.project_path = project_path
        self.directory = directory or (root or recovery_root()) / uuid.uuid4().hex
        self.failed = Event()  # emitted with the OSError when writing failed
        self.broken = False
        self._fd: int | None = None
        self._lock_fd: int | None = None
        self._keys: dict[int, int] = dict(resumed_keys or {})
        self._next_key = max(self._keys.values(), default=0) + 1
        self._last: tuple[int, bool] | None = None  # (revision, dirty) last written
        self._last_tiers: object = None
        self._last_analyses: tuple | None = None
        if directory is not None and (directory / JOURNAL_NAME).exists():
            self._reopen()
        history.changed.connect(self._on_history_changed)

    @property
    def journal_path(self) -> Path:
        return self.directory / JOURNAL_NAME

    @property
    def has_file(self) -> bool:
        return self._fd is not None

    # -- following the history -----------------------------------------------------
    def _on_history_changed(self) -> None:
        if self.broken:
            return
        state = (self.document.revision, self.history.is_dirty)
        if state == self._last or (self._fd is None and not self.history.is_dirty):
            return  # nothing new, or clean and never journaled: the saved file is the copy
        try:
            self.write_state()
        except OSError as exc:
            self.broken = True
            self.failed.emit(exc)

    def write_state(self) -> None:
        """Append the document's current state (and any new sources) and flush to disk."""
        if self._fd is None:
            self._start_file()
        doc, sources = self.document, {}
        value = {"time": time.time(), "dirty": self.history.is_dirty,
                 "label": self.history.undo_label, "sample_rate": doc.sample_rate,
                 "tracks": encode_tracks(doc.tracks, sources),
                 "selection": encode_selection(doc.selection)}
        if doc.label_tiers is not self._last_tiers:
            value["label_tiers"] = encode_tiers(doc.label_tiers)
        analyses = tuple((k, id(v)) for k, v in doc.analyses.items())
        if analyses != self._last_analyses:
            value["analyses"] = encode_analyses(doc.analyses, sources)
        buffers = []
        for source in sources.values():
            if source.id not in self._keys:
                buffers += self._source_buffers(source)
        for ref in block_refs({"tracks": value["tracks"],
                               "analyses": value.get("analyses", {})}):
            ref[0] = self._keys[ref[0]]
        buffers += json_record(STATE, value)
        write_all(self._fd, buffers)
        os.fdatasync(self._fd)
        self._last = (doc.revision, self.history.is_dirty)
        self._last_tiers, self._last_analyses = doc.label_tiers, analyses

    def _source_buffers(self, source: SampleSource) -> list:
        key = self._next_key
        self._next_key += 1
        self._keys[source.id] = key
        meta = {"key": key, "frames": source.frames, **source_meta(source)}
        file_ref = _file_reference(source)
        if file_ref is not None:
            return source_record({**meta, "kind": "file", **file_ref}, None)
        rows = np.ascontiguousarray(source.read_raw(0, stored_frames(meta, source.frames)))
        return source_record({**meta, "kind": "embedded"}, memoryview(rows).cast("B"))

    # -- life cycle ---------------------------------------------------------------------
    def saved(self, project_path: Path | None = None) -> None:
        """The document was just saved explicitly: forget the journal; start afresh on change."""
        if project_path is not None:
            self.project_path = project_path
        self._close_file()
        with suppress(FileNotFoundError):
            self.journal_path.unlink()
        self._keys.clear()
        self._last, self._last_tiers, self._last_analyses = None, None, None
        self.broken = False

    def discard(self) -> None:
        """The user threw the changes away: stop following the document, delete everything."""
        self.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def close(self) -> None:
        """Stop following the document and release the folder; the journal stays on disk."""
        with suppress(ValueError):
            self.history.changed.disconnect(self._on_history_changed)
        self._close_file()

    def describe(self) -> dict:
        return {"title": self.document.title, "journal_id": self.directory.name,
                "audio_path": None if self.document.path is None else str(self.document.path),
                "project_path": None if self.project_path is None else str(self.project_path),
                "info": encode_info(self.document.info),
                "app_version": __version__, "started": time.time()}

    # -- files ---------------------------------------------------------------------------
    def _start_file(self) -> None:
        self._acquire_folder()
        fd = os.open(self.journal_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND,
                     0o600)
        try:
            write_all(fd, [FILE_MAGIC, *json_record(HEADER, self.describe())])
        except OSError:
            os.close(fd)
            raise
        self._fd = fd

    def _reopen(self) -> None:
        """Continue an existing journal (after recovering from it).

        A torn last record is cut off first: appending after it would turn it
        into damage in the middle of the file.
        """
        self._acquire_folder()
        end = scan(self.journal_path).end
        self._fd = os.open(self.journal_path, os.O_WRONLY | os.O_APPEND)
        os.ftruncate(self._fd, end)
        self._last = (self.document.revision, self.history.is_dirty)

    def _acquire_folder(self) -> None:
        if self._lock_fd is not None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise
        self._lock_fd = fd

    def _close_file(self) -> None:
        for name in ("_fd", "_lock_fd"):
            fd = getattr(self, name)
            if fd is not None:
                setattr(self, name, None)
                os.close(fd)


def _file_reference(source: SampleSource) -> dict | None:
    """Path, offset and identity of the file a mapped source reads, if that file is
    still what its path names; None when the samples must be embedded instead."""
    opened = source.opened_file_stat()
    data = source.data
    if opened is None or not isinstance(data, np.memmap):
        return None
    try:
        now = os.stat(data.filename)
    except OSError:
        return None
    if (now.st_dev, now.st_ino, now.st_size, now.st_mtime_ns) != (
            opened.st_dev, opened.st_ino, opened.st_size, opened.st_mtime_ns):
        return None
    return {"path": str(data.filename), "offset": int(data.offset), "size": now.st_size,
            "mtime_ns": now.st_mtime_ns, "inode": now.st_ino}

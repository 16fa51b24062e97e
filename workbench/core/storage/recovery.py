"""Crash recovery at start-up: find unsaved documents in recovery journals, rebuild them.

`find_recoverable` looks at every journal folder under recovery_root() that no
running workbench holds (recovery_journal.py locks the folders it writes):
a journal whose last state is unsaved is offered; one with nothing unsaved
(the user undid back to the save, or the crash hit the very first write) is
removed, since the saved file already holds that state; a damaged one is
set aside (renamed `<id>.corrupt`) with a message, and start-up goes on.

`recover_document` rebuilds the document as of the last complete action:
sources referenced by path are opened again after checking they are still
the same files, embedded ones are memory-mapped from the journal itself.
Recovery changes nothing on disk: the journal stays until the user saves
(the new RecoveryJournal that continues it empties it then) or discards it
(`discard_recovery`).

Stateless functions; call them on the GUI thread at start-up or anywhere else.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.core.audio.sample_source import SampleSource
from workbench.core.audio.source_storage import source_from_rows, stored_frames
from workbench.core.document.document import Document
from workbench.core.storage.document_codec import (
    DocumentCodecError,
    block_refs,
    decode_document,
    decode_info,
)
from workbench.core.storage.journal_format import (
    HEADER,
    SOURCE,
    STATE,
    JournalCorruptError,
    Record,
    scan,
    verify_record,
)
from workbench.core.storage.recovery_journal import JOURNAL_NAME, LOCK_NAME, recovery_root

CORRUPT_SUFFIX = ".corrupt"


class RecoveryError(Exception):
    """A document could not be rebuilt from its journal; `reason` says why."""

    def __init__(self, title: str, reason: str) -> None:
        self.title, self.reason = title, reason
        super().__init__(f"Cannot recover {title!r}: {reason}")


@dataclass(frozen=True)
class RecoverableDocument:
    """An unsaved document left behind by a workbench that did not quit normally."""

    directory: Path
    title: str
    audio_path: Path | None
    project_path: Path | None
    last_action: str | None  # the name of the last action, as the Undo menu showed it
    actions: int  # committed states in the journal
    changed_at: float  # time of the last state (seconds since the epoch)


@dataclass(frozen=True)
class SetAsideJournal:
    """A damaged journal that was moved out of the way; `reason` says what was wrong."""

    moved_to: Path
    reason: str

    @property
    def message(self) -> str:
        return (f"Recovery data could not be read ({self.reason}); it was moved to "
                f"{str(self.moved_to)!r}.")


@dataclass
class RecoveredDocument:
    """A rebuilt document, and what a RecoveryJournal needs to continue its journal."""

    document: Document
    directory: Path
    project_path: Path | None
    source_keys: dict[int, int]  # SampleSource.id -> key in the journal
    last_action: str | None


@dataclass
class _Replay:
    header: dict
    state: dict | None  # the last state, with labels and analyses carried forward
    states: int
    sources: dict[int, Record]


def find_recoverable(root: Path | None = None) -> tuple[list[RecoverableDocument],
                                                         list[SetAsideJournal]]:
    """Unsaved documents to offer (oldest change first) and damaged journals set aside."""
    root = root or recovery_root()
    found, set_aside = [], []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.suffix):
        with _held(folder) as held:
            if not held:
                continue  # a running workbench is writing it
            try:
                replay = _replay(folder / JOURNAL_NAME)
            except FileNotFoundError:
                replay = None
            except (JournalCorruptError, DocumentCodecError, OSError) as exc:
                set_aside.append(set_aside_journal(folder, _reason(exc)))
                continue
            if replay is None or replay.state is None or not replay.state["dirty"]:
                shutil.rmtree(folder, ignore_errors=True)  # nothing unsaved in it
                continue
            found.append(_describe(folder, replay))
    return sorted(found, key=lambda d: d.changed_at), set_aside


def recover_document(directory: Path) -> RecoveredDocument:
    """The document of the journal in `directory` as of its last complete action.

    Raises RecoveryError when a file it refers to has changed or gone, and
    JournalCorruptError when the journal's samples are damaged.
    """
    path = Path(directory) / JOURNAL_NAME
    replay = _replay(path)
    header, state = replay.header, replay.state
    title = str(header.get("title", directory.name))
    if state is None:
        raise RecoveryError(title, "the journal holds no complete action")
    keys = {ref[0] for ref in block_refs(state)}
    sources = {key: _open_source(path, replay.sources, key, title) for key in keys}
    try:
        audio_path = header.get("audio_path")
        doc = decode_document(state, sources, None if audio_path is None else Path(audio_path),
                              decode_info(header.get("info")))
    except DocumentCodecError as exc:
        raise JournalCorruptError(path, str(exc)) from exc
    project = header.get("project_path")
    return RecoveredDocument(doc, Path(directory), None if project is None else Path(project),
                             {s.id: key for key, s in sources.items()}, state.get("label"))


def discard_recovery(directory: Path) -> None:
    """Delete a journal the user chose to throw away."""
    shutil.rmtree(directory, ignore_errors=True)


def set_aside_journal(directory: Path, reason: str) -> SetAsideJournal:
    """Rename a damaged journal folder to `<name>.corrupt` (numbered if taken)."""
    target = directory.with_name(directory.name + CORRUPT_SUFFIX)
    n = 1
    while target.exists():
        target = directory.with_name(f"{directory.name}-{n}{CORRUPT_SUFFIX}")
        n += 1
    os.replace(directory, target)
    return SetAsideJournal(target, reason)


# -- reading ------------------------------------------------------------------------

def _replay(path: Path) -> _Replay:
    result = scan(path)
    records = result.records
    if not records:
        return _Replay({}, None, 0, {})  # killed while writing the very first record
    if records[0].kind != HEADER or not isinstance(records[0].value, dict):
        raise JournalCorruptError(path, "it has no header")
    state, carried, states, sources = None, {}, 0, {}
    for record in records[1:]:
        value = record.value
        if record.kind == SOURCE:
            sources[int(value["key"])] = record
        elif record.kind == STATE:
            for name in ("label_tiers", "analyses"):
                if name in value:
                    carried[name] = value[name]
            state, states = {**carried, **value}, states + 1
    if state is not None and not {"label_tiers", "analyses"} <= state.keys():
        raise JournalCorruptError(path, "its first state lacks labels or analyses")
    return _Replay(records[0].value, state, states, sources)


def _open_source(path: Path, records: dict[int, Record], key: int, title: str) -> SampleSource:
    record = records.get(key)
    if record is None:
        raise JournalCorruptError(path, f"a state refers to sample source {key}, "
                                        "which the journal lacks")
    meta = record.value
    frames, channels, dtype = int(meta["frames"]), int(meta["channels"]), np.dtype(meta["dtype"])
    rows = stored_frames(meta, frames)
    if meta["kind"] == "file":
        _check_same_file(meta, title)
        data = np.memmap(meta["path"], dtype, "r", offset=int(meta["offset"]),
                         shape=(rows, channels))
    else:
        if record.data_length != rows * channels * dtype.itemsize:
            raise JournalCorruptError(path, f"sample source {key} has the wrong size")
        if not verify_record(path, record):
            raise JournalCorruptError(path, f"the samples of source {key} are damaged")
        data = np.memmap(path, dtype, "r", offset=record.data_offset, shape=(rows, channels))
    return source_from_rows(meta, data, frames)


def _check_same_file(meta: dict, title: str) -> None:
    try:
        now = os.stat(meta["path"])
    except OSError as exc:
        raise RecoveryError(title, f"the audio file {meta['path']!r} cannot be read "
                                   f"({exc.strerror})") from exc
    if (now.st_size, now.st_mtime_ns, now.st_ino) != (meta["size"], meta["mtime_ns"],
                                                     meta["inode"]):
        raise RecoveryError(title, f"the audio file {meta['path']!r} has changed since the "
                                   "edits were made, so they cannot be replayed on it")


def _describe(folder: Path, replay: _Replay) -> RecoverableDocument:
    header, state = replay.header, replay.state
    assert state is not None

    def path_or_none(name: str) -> Path | None:
        return None if header.get(name) is None else Path(header[name])

    return RecoverableDocument(folder, str(header.get("title", folder.name)),
                               path_or_none("audio_path"), path_or_none("project_path"),
                               state.get("label"), replay.states, float(state.get("time", 0)))


@contextmanager
def _held(folder: Path) -> Iterator[bool]:
    """Hold a journal folder's lock for a moment; yields False if someone else holds it."""
    try:
        fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield True  # a folder we cannot lock cannot be in use either
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        yield False
        return
    try:
        yield True
    finally:
        with suppress(OSError):
            os.close(fd)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, JournalCorruptError):
        return exc.reason
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)

"""Project files (.wbproj): one SQLite database holding a whole document.

Like Audacity's .aup3, a project is self-contained: the samples every block
looks at are embedded, including those of the opened audio file.  Referencing
the user's WAV instead would make saving instant, but the project would then
break when that file is moved, edited elsewhere, or replaced by our own "Save
Audio"; embedding is what makes "reopening restores exactly" hold.  Only the
frames some block uses are stored (a one-minute trim of an hour keeps one
minute), in the source's own dtype (16-bit audio stays 16-bit), in ~1 MB
BLOBs.

Schema (FORMAT_VERSION 1):
    meta(key, value)            format_version, app_version, saved_at, save_id
    sources(id, content_key, frames, stored_frames, meta)   meta: source_storage JSON
    chunks(source_id, first_frame, frames, data)            raw rows, ~CHUNK_BYTES each
    document(id = 1, structure, view_state, audio_path, info)

Saving is atomic: the database is built in a new file beside the target
(journal off while writing: the file is not the target yet), switched to WAL,
closed, fsynced and renamed over the target.  Any failure leaves the target
byte-identical and removes the temporary files.  Loading opens the file
immutable (we never change a project in place) and copies each embedded
source into a memory-mapped file under cache_dir()/project-audio/, named by a
content key that survives re-saving, so an hour-long project opens without
holding the hour in memory and re-opening the same save reuses the copies.

Everything here is stateless and may run on any thread; `write_project` and
`load_project` are tasks in the sense of core/jobs.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import stat
import time
import uuid
from collections.abc import Generator, Iterator
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import numpy as np

from workbench import __version__
from workbench.core import paths
from workbench.core.audio.audio_file import AudioFileInfo
from workbench.core.audio.sample_source import SampleSource
from workbench.core.audio.source_storage import (
    raw_rows,
    rows_per_chunk,
    source_from_rows,
    source_meta,
    stored_frames,
)
from workbench.core.document.document import Document
from workbench.core.durable_files import fsync_file, fsync_folder
from workbench.core.jobs import CancelToken, Progress, run_to_completion
from workbench.core.storage.document_codec import (
    DocumentCodecError,
    block_refs,
    decode_document,
    decode_info,
    encode_document,
    encode_info,
)

FORMAT_VERSION = 1
PROJECT_SUFFIX = ".wbproj"
CHUNK_BYTES = 1 << 20
PAGE_SIZE = 65536  # big pages: the file is mostly large BLOBs
EXTRACT_SUBDIR = "project-audio"
_SIDE_FILES = ("-wal", "-shm", "-journal")

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (id INTEGER PRIMARY KEY, content_key TEXT NOT NULL,
                      frames INTEGER NOT NULL, stored_frames INTEGER NOT NULL,
                      meta TEXT NOT NULL);
CREATE TABLE chunks (source_id INTEGER NOT NULL, first_frame INTEGER NOT NULL,
                     frames INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE document (id INTEGER PRIMARY KEY CHECK (id = 1), structure TEXT NOT NULL,
                       view_state TEXT NOT NULL, audio_path TEXT, info TEXT);
"""


class ProjectFileError(Exception):
    """A project could not be saved to or opened from `path`; `reason` says why.

    When saving failed, the file that was at `path` before is unchanged.
    """

    def __init__(self, path: str | os.PathLike, reason: str, saving: bool = False) -> None:
        self.path = Path(path)
        self.reason = reason
        verb = "save the project" if saving else "open the project"
        super().__init__(f"Cannot {verb} {self.path.name!r}: {reason}")


@dataclass
class ProjectSnapshot:
    """What a save writes, taken on the document's (GUI) thread.

    Blocks and sources are immutable, so the snapshot may be written from a
    worker while the user keeps editing.  `revision` is the document's
    revision at the time of the snapshot.
    """

    structure: dict
    sources: dict[int, SampleSource]
    view_state: dict
    audio_path: Path | None
    info: AudioFileInfo | None
    revision: int

    @classmethod
    def of(cls, doc: Document, view_state: dict | None = None) -> ProjectSnapshot:
        encoded = encode_document(doc)
        info = doc.info if isinstance(doc.info, AudioFileInfo) else None
        return cls(encoded.structure, encoded.sources, dict(view_state or {}), doc.path, info,
                   doc.revision)


@dataclass
class LoadedProject:
    """An opened project: the document, the view state saved with it, and where it lives."""

    document: Document
    view_state: dict
    path: Path
    app_version: str
    warnings: list[str] = field(default_factory=list)


# -- saving ------------------------------------------------------------------------

def save_project(doc: Document, path: str | os.PathLike, view_state: dict | None = None) -> None:
    """Save `doc` to `path` synchronously (tests, command line); see write_project."""
    snapshot = ProjectSnapshot.of(doc, view_state)
    run_to_completion(lambda cancel: write_project(snapshot, path, cancel))


def write_project(snapshot: ProjectSnapshot, path: str | os.PathLike,
                  cancel: CancelToken | None = None) -> Generator[Progress, None, Path]:
    """Task that writes `snapshot` to `path` atomically; returns the path written.

    Raises ProjectFileError (the previous file, if any, byte-identical and no
    temporary file left) or Cancelled (likewise).
    """
    cancel = cancel or CancelToken()
    path = Path(path)
    target = _check_target(path)
    tmp = _create_temp_beside(path, target)
    try:
        with closing(_connect(tmp)) as db:
            yield from _fill(db, snapshot, path.name, cancel)
        fsync_file(tmp)
        cancel.check()
        os.replace(tmp, target)
    except BaseException as exc:
        _remove_temp(tmp)
        if isinstance(exc, OSError | sqlite3.Error):
            raise ProjectFileError(path, _reason(exc), saving=True) from exc
        raise
    fsync_folder(target.parent)
    return path


def _connect(path: Path) -> sqlite3.Connection:
    """A connection to a new (empty) database file; tests wrap this to inject faults."""
    return sqlite3.connect(path, isolation_level=None)


def _fill(db: sqlite3.Connection, snapshot: ProjectSnapshot, name: str,
          cancel: CancelToken) -> Generator[Progress, None, None]:
    # The file only becomes the project when renamed at the end, so it needs no
    # rollback journal while being filled; that halves the bytes written.
    db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.executescript(_SCHEMA)
    db.execute("BEGIN")
    structure, hulls = _rebased(snapshot)
    total = sum(hi - lo for lo, hi in hulls.values()) or 1
    done = 0
    for key, (lo, hi) in hulls.items():
        source = snapshot.sources[key]
        meta = source_meta(source)
        frames = hi - lo
        content_key = _content_key(source, lo, hi)
        db.execute("INSERT INTO sources VALUES (?, ?, ?, ?, ?)",
                   (key, content_key, frames, stored_frames(meta, frames), json.dumps(meta)))
        for written in _insert_chunks(db, key, source, meta, lo, hi, cancel):
            done += written
            yield Progress(done / total, f"Saving {name}")
    db.execute("CREATE INDEX chunks_by_source ON chunks (source_id, first_frame)")
    info = json.dumps(encode_info(snapshot.info))
    db.execute("INSERT INTO document VALUES (1, ?, ?, ?, ?)",
               (json.dumps(structure), json.dumps(snapshot.view_state),
                _path_to_db(snapshot.audio_path), info))
    meta_rows = {"format_version": str(FORMAT_VERSION), "app_version": __version__,
                 "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "save_id": uuid.uuid4().hex}
    db.executemany("INSERT INTO meta VALUES (?, ?)", meta_rows.items())
    db.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
    db.execute("COMMIT")
    cancel.check()
    db.execute("PRAGMA journal_mode = WAL")


def _path_to_db(path: Path | None) -> str | bytes | None:
    """A path for a TEXT column: text when it is UTF-8, else its bytes (Linux names
    are bytes; SQLite refuses the surrogates Python keeps for undecodable ones)."""
    if path is None:
        return None
    raw = os.fsencode(path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _path_from_db(value: str | bytes | None) -> Path | None:
    return None if value is None else Path(os.fsdecode(value))


def _insert_chunks(db: sqlite3.Connection, key: int, source: SampleSource, meta: dict,
                   lo: int, hi: int, cancel: CancelToken) -> Iterator[int]:
    """Insert the rows [lo, hi) of `source` in chunks; yields frames written per batch."""
    if meta["constant"]:
        db.execute("INSERT INTO chunks VALUES (?, 0, 1, ?)", (key, raw_rows(source, 0, 1)))
        yield hi - lo
        return
    step = rows_per_chunk(meta, CHUNK_BYTES)
    batch = 16  # chunks per executemany: few calls, yet progress and cancel stay lively
    for first in range(lo, hi, step * batch):
        cancel.check()
        last = min(hi, first + step * batch)
        rows = ((key, a - lo, min(step, last - a), raw_rows(source, a, min(last, a + step)))
                for a in range(first, last, step))
        db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?)", rows)
        yield last - first


def _rebased(snapshot: ProjectSnapshot) -> tuple[dict, dict[int, tuple[int, int]]]:
    """The structure with block starts relative to each source's used range, and the ranges."""
    structure = json.loads(json.dumps(snapshot.structure))  # a deep copy to rewrite
    refs = block_refs(structure)
    hulls: dict[int, tuple[int, int]] = {}
    for key, start, length in refs:
        lo, hi = hulls.get(key, (start, start + length))
        hulls[key] = (min(lo, start), max(hi, start + length))
    for ref in refs:
        ref[1] -= hulls[ref[0]][0]
    return structure, hulls


def _content_key(source: SampleSource, lo: int, hi: int) -> str:
    """A name for these stored rows that stays the same when a loaded project is re-saved.

    A source that is itself a whole extracted project source keeps its name,
    so loading the re-saved project finds the copy it already has; a constant
    source (silence) is named by its one row.
    """
    meta = source_meta(source)
    if meta["constant"]:
        row = raw_rows(source, 0, 1).tobytes()
        return "const-" + hashlib.sha256(meta["dtype"].encode() + row).hexdigest()[:32]
    filename = getattr(source.data, "filename", None)
    if filename and Path(filename).parent == extract_dir() and (lo, hi) == (0, source.frames):
        return Path(filename).stem
    return uuid.uuid4().hex


def _check_target(path: Path) -> Path:
    """The real file to replace (symlinks followed), after checking it can be one."""
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if target.is_dir():
        raise ProjectFileError(path, "it is a folder", saving=True)
    if not target.parent.is_dir():
        raise ProjectFileError(path, f"the folder {str(target.parent)!r} does not exist",
                               saving=True)
    return target


def _create_temp_beside(path: Path, target: Path) -> Path:
    """A new empty file in the target's folder (same filesystem: the rename is atomic),
    with the permissions of the file it will replace."""
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise ProjectFileError(path, _reason(exc), saving=True) from exc
    try:
        if mode is not None:
            os.fchmod(fd, mode)
    except OSError as exc:
        os.close(fd)
        _remove_temp(tmp)
        raise ProjectFileError(path, _reason(exc), saving=True) from exc
    os.close(fd)
    return tmp


def _remove_temp(tmp: Path) -> None:
    for suffix in ("", *_SIDE_FILES):
        with suppress(FileNotFoundError):
            os.unlink(f"{tmp}{suffix}")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


# -- loading ------------------------------------------------------------------------

def read_project(path: str | os.PathLike) -> LoadedProject:
    """Open `path` synchronously (tests, command line); see load_project."""
    return run_to_completion(lambda cancel: load_project(path, cancel))


def load_project(path: str | os.PathLike, cancel: CancelToken | None = None
                 ) -> Generator[Progress, None, LoadedProject]:
    """Task that opens the project at `path`.

    Raises ProjectFileError saying why (not a project, made by a newer
    version, damaged), or Cancelled.
    """
    cancel = cancel or CancelToken()
    path = Path(path)
    if not path.is_file():
        raise ProjectFileError(path, "the file does not exist" if not path.exists()
                               else "it is not a file")
    try:
        # Quote the name's bytes: a Linux name need not be UTF-8.
        uri = f"file:{quote(os.fsencode(path.resolve()), safe='/')}?immutable=1"
        with closing(sqlite3.connect(uri, uri=True)) as db:
            meta = _read_meta(db, path)
            sources = yield from _extract_sources(db, path.name, cancel)
            row = db.execute("SELECT structure, view_state, audio_path, info FROM document"
                             ).fetchone()
    except sqlite3.Error as exc:
        raise ProjectFileError(path, f"the file is damaged ({exc})") from exc
    except OSError as exc:
        raise ProjectFileError(path, _reason(exc)) from exc
    if row is None:
        raise ProjectFileError(path, "the file holds no document")
    try:
        structure, view_state, audio_path, info = row
        doc = decode_document(json.loads(structure), sources,
                              _path_from_db(audio_path),
                              decode_info(json.loads(info) if info else None))
        view = json.loads(view_state)
    except (DocumentCodecError, ValueError, TypeError, KeyError) as exc:
        raise ProjectFileError(path, f"the document in it is damaged ({exc})") from exc
    yield Progress(1.0, f"Opened {path.name}")
    return LoadedProject(doc, view, path, meta.get("app_version", "?"))


def _read_meta(db: sqlite3.Connection, path: Path) -> dict[str, str]:
    try:
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as exc:
        raise ProjectFileError(path, "it is not an Audio Workbench project") from exc
    try:
        version = int(meta["format_version"])
    except (KeyError, ValueError) as exc:
        raise ProjectFileError(path, "it is not an Audio Workbench project "
                                     "(no format version)") from exc
    if version > FORMAT_VERSION:
        raise ProjectFileError(
            path, f"it was saved by a newer Audio Workbench ({meta.get('app_version', '?')}, "
                  f"project format {version}); this version ({__version__}) opens project "
                  f"formats up to {FORMAT_VERSION}. Update Audio Workbench to open it.")
    return meta


def extract_dir() -> Path:
    """Where the embedded samples of opened projects are kept as plain files."""
    folder = paths.cache_dir() / EXTRACT_SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _extract_sources(db: sqlite3.Connection, name: str, cancel: CancelToken
                     ) -> Generator[Progress, None, dict[int, SampleSource]]:
    rows = db.execute("SELECT id, content_key, frames, stored_frames, meta FROM sources"
                      ).fetchall()
    total = sum(r[3] for r in rows) or 1
    done, sources = 0, {}
    for key, content_key, frames, stored, meta_text in rows:
        cancel.check()
        meta = json.loads(meta_text)
        dtype, channels = np.dtype(meta["dtype"]), int(meta["channels"])
        file = extract_dir() / f"{content_key}.raw"
        size = stored * dtype.itemsize * channels
        if not _is_complete(file, size):
            _copy_chunks(db, key, file, size)
        mapped = np.memmap(file, dtype, "r", shape=(stored, channels)) if stored else \
            np.zeros((0, channels), dtype)
        sources[key] = source_from_rows(meta, mapped, frames)
        done += stored
        yield Progress(done / total, f"Opening {name}")
    return sources


def _is_complete(file: Path, size: int) -> bool:
    try:
        return file.stat().st_size == size
    except FileNotFoundError:
        return False


def _copy_chunks(db: sqlite3.Connection, key: int, file: Path, size: int) -> None:
    """Write a source's chunks, in order, to `file` (via a temporary name: never half there)."""
    tmp = file.with_name(f".{file.name}.{secrets.token_hex(6)}.tmp")
    try:
        written = 0
        with open(tmp, "wb") as out:
            for (data,) in db.execute("SELECT data FROM chunks WHERE source_id = ? "
                                      "ORDER BY first_frame", (key,)):
                written += out.write(data)
        if written != size:
            raise sqlite3.DatabaseError(f"sample source {key} holds {written} bytes "
                                        f"instead of {size}")
        os.replace(tmp, file)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise

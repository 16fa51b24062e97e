"""The results ledger of a corpus run: Parquet files in RUN_DIR/ledger.

A file's row is keyed by `key` = its content hash + the model hash + its place in
the input tree (two copies of one recording at two paths are two inputs, two rows).
Rows are written in parts: each `append` writes the segment rows, then the file
rows, each to a new Parquet file renamed into place (atomic), so a run killed at any
moment leaves whole parts only.  A segments part counts only when its files part
exists, and a key seen twice (an error redone) counts once, the latest: rereading a
ledger after kill -9 and a rerun gives no duplicates.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

FILE_SCHEMA = pa.schema([
    ("key", pa.string()), ("content_hash", pa.string()), ("path", pa.string()),
    ("relative", pa.string()), ("kind", pa.string()), ("model", pa.string()),
    ("status", pa.string()), ("reason", pa.string()), ("duration", pa.float64()),
    ("sample_rate", pa.int64()), ("summary", pa.string()), ("text", pa.string()),
    ("output", pa.string()), ("warnings", pa.string()), ("elapsed", pa.float64()),
])
SEGMENT_SCHEMA = pa.schema([
    ("key", pa.string()), ("index", pa.int64()), ("start", pa.float64()),
    ("end", pa.float64()), ("label", pa.string()), ("confidence", pa.float64()),
    # Classify only: the mean penultimate features of the segment's windows (the
    # corpus view's embedding map); null for words and for older ledgers.
    ("embedding", pa.list_(pa.float32())),
])
_counter = itertools.count()


class Ledger:
    """Reads and appends the rows of one run folder.  One writer at a time (the
    process that drives the executor); readers may read while it writes."""

    def __init__(self, run_dir: Path) -> None:
        self.folder = Path(run_dir) / "ledger"
        self._files = self.folder / "files"
        self._segments = self.folder / "segments"

    def append(self, rows: list[dict], segments: list[dict]) -> None:
        """Write one part: the file rows and their segment rows."""
        if not rows:
            return
        self._files.mkdir(parents=True, exist_ok=True)
        self._segments.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{os.getpid()}-{next(_counter):06d}.parquet"
        _write(pa.Table.from_pylist(segments, SEGMENT_SCHEMA), self._segments / name)
        _write(pa.Table.from_pylist(rows, FILE_SCHEMA), self._files / name)

    def file_rows(self) -> pa.Table:
        """One row per key (the latest), in the order first written."""
        parts = self._parts(self._files)
        if not parts:
            return FILE_SCHEMA.empty_table()
        table = pa.concat_tables(pq.read_table(p, schema=FILE_SCHEMA) for p in parts)
        latest: dict[str, int] = {}
        for i, key in enumerate(table.column("key").to_pylist()):
            latest[key] = i
        return table.take(sorted(latest.values()))

    def segment_rows(self) -> pa.Table:
        """The segment/word rows of the files' current rows."""
        parts = [p for p in self._parts(self._segments) if (self._files / p.name).exists()]
        if not parts:
            return SEGMENT_SCHEMA.empty_table()
        files = {p.name for p in self._parts(self._files)}
        current = self._current_parts(files)
        tables = [pq.read_table(p, schema=SEGMENT_SCHEMA) for p in parts]
        keep = []
        for part, table in zip(parts, tables):
            keys = table.column("key").to_pylist()
            keep.append(table.filter(pa.array([current.get(k) == part.name for k in keys],
                                              pa.bool_())))
        return pa.concat_tables(keep)

    def done(self, retry_errors: bool = False) -> set[str]:
        """Keys that a rerun skips: every recorded file, or only the ok ones."""
        rows = self.file_rows()
        keys, status = rows.column("key").to_pylist(), rows.column("status").to_pylist()
        return {k for k, s in zip(keys, status) if s == "ok" or not retry_errors}

    def _current_parts(self, names: set[str]) -> dict[str, str]:
        """key -> the files part that holds its latest row."""
        current: dict[str, str] = {}
        for name in sorted(names):
            keys = pq.read_table(self._files / name, columns=["key"]).column("key")
            for key in keys.to_pylist():
                current[key] = name
        return current

    @staticmethod
    def _parts(folder: Path) -> list[Path]:
        return sorted(folder.glob("*.parquet")) if folder.is_dir() else []


def _write(table: pa.Table, path: Path) -> None:
    temporary = path.with_name(path.name + ".tmp")
    pq.write_table(table, temporary)
    with open(temporary, "rb") as written:
        os.fsync(written.fileno())
    os.replace(temporary, path)

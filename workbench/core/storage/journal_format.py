"""The bytes of a recovery journal: an append-only file of checksummed records.

    file    := FILE_MAGIC record*
    record  := kind (1 byte) | payload length (u64 LE) | CRC-32 (u32 LE) | payload

The CRC covers the kind, the length and the payload, so a record counts only
when it is complete and intact.  Kinds:

    H  header: JSON about the document (title, paths, when the journal began)
    S  source: u32 LE length of a JSON part | JSON (key, kind, meta) | raw rows
    T  state:  JSON of the document's structure after one committed action

A process killed while appending leaves at most one record short at the end
(a "torn tail"), which readers ignore: the journal then ends at the action
before.  A damaged record with more data after it, a wrong magic or JSON that
does not parse is corruption: `scan` raises JournalCorruptError.

Scanning reads headers and JSON only; the raw rows of a source record are
checked against their CRC when they are used (`verify_record`), so listing
journals at start-up stays quick however much audio they hold.
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

FILE_MAGIC = b"WBJOURNAL 1\n"
HEADER, SOURCE, STATE = b"H", b"S", b"T"
_RECORD = struct.Struct("<cQI")
_JSON_LENGTH = struct.Struct("<I")
_READ_CHUNK = 1 << 22


class JournalCorruptError(Exception):
    """A journal file is damaged beyond a torn last record; `reason` says how."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"The recovery file {str(self.path)!r} is damaged: {reason}")


def record_buffers(kind: bytes, parts: Sequence[bytes | memoryview]) -> list:
    """The buffers to write, in order, for one record whose payload is `parts` joined."""
    length = sum(memoryview(p).nbytes for p in parts)
    crc = zlib.crc32(kind + struct.pack("<Q", length))
    for part in parts:
        crc = zlib.crc32(part, crc)
    return [_RECORD.pack(kind, length, crc), *parts]


def json_record(kind: bytes, value: object) -> list:
    return record_buffers(kind, [json.dumps(value, separators=(",", ":")).encode()])


def source_record(meta: dict, data: memoryview | None) -> list:
    """A source record: `meta` (JSON) followed by the raw rows, if the source embeds any."""
    text = json.dumps(meta, separators=(",", ":")).encode()
    parts = [_JSON_LENGTH.pack(len(text)), text]
    if data is not None:
        parts.append(data)
    return record_buffers(SOURCE, parts)


def write_all(fd: int, buffers: list) -> None:
    """Write every buffer at the descriptor's position, however the kernel splits the writes."""
    views = [memoryview(b).cast("B") for b in buffers]
    while views:
        written = os.writev(fd, views)
        while views and written >= views[0].nbytes:
            written -= views[0].nbytes
            views.pop(0)
        if views and written:
            views[0] = views[0][written:]


@dataclass
class Record:
    """One intact record: its kind, where its payload lies, and its JSON part."""

    kind: bytes
    offset: int  # of the payload in the file
    length: int
    crc: int
    value: object  # the JSON (for S records, the JSON part)
    data_offset: int = 0  # S records: where the raw rows begin
    data_length: int = 0


@dataclass
class ScanResult:
    records: list[Record] = field(default_factory=list)
    torn_tail: bool = False  # the file ended inside a record, which was ignored
    size: int = 0

    @property
    def end(self) -> int:
        """Where the last complete record ends: appending must start here."""
        if not self.records:
            return len(FILE_MAGIC) if self.size >= len(FILE_MAGIC) else 0
        last = self.records[-1]
        return last.offset + last.length


def scan(path: Path) -> ScanResult:
    """Every complete record of the journal at `path`, in order.

    Raises JournalCorruptError if the file is damaged other than by a torn
    last record, and OSError if it cannot be read.
    """
    path = Path(path)
    result = ScanResult(size=path.stat().st_size)
    with open(path, "rb") as f:
        magic = f.read(len(FILE_MAGIC))
        if len(magic) < len(FILE_MAGIC) and FILE_MAGIC.startswith(magic):
            result.torn_tail = True  # killed while writing the very first bytes
            return result
        if magic != FILE_MAGIC:
            raise JournalCorruptError(path, "it does not start like a recovery journal")
        pos = len(FILE_MAGIC)
        while pos < result.size:
            record = _read_record(f, path, pos, result.size)
            if record is None:
                result.torn_tail = True
                break
            result.records.append(record)
            pos = record.offset + record.length
    return result


def _read_record(f, path: Path, pos: int, size: int) -> Record | None:
    """The record at `pos`, or None when it is a torn (or garbled) last record."""
    f.seek(pos)
    head = f.read(_RECORD.size)
    if len(head) < _RECORD.size:
        return None
    kind, length, crc = _RECORD.unpack(head)
    start = pos + _RECORD.size
    if start + length > size:
        return None
    is_last = start + length == size
    if kind not in (HEADER, SOURCE, STATE):
        return _bad(path, pos, is_last, f"unknown record kind {kind!r}")
    if kind == SOURCE:
        return _read_source(f, path, pos, kind, start, length, crc, is_last)
    payload = f.read(length)
    if zlib.crc32(payload, zlib.crc32(kind + struct.pack("<Q", length))) != crc:
        return _bad(path, pos, is_last, "a record's checksum does not match")
    try:
        value = json.loads(payload)
    except ValueError:
        return _bad(path, pos, is_last, "a record does not hold valid JSON")
    return Record(kind, start, length, crc, value)


def _read_source(f, path: Path, pos: int, kind: bytes, start: int, length: int, crc: int,
                 is_last: bool) -> Record | None:
    head = f.read(_JSON_LENGTH.size)
    (text_length,) = _JSON_LENGTH.unpack(head)
    if _JSON_LENGTH.size + text_length > length:
        return _bad(path, pos, is_last, "a source record's parts do not add up")
    try:
        value = json.loads(f.read(text_length))
    except ValueError:
        return _bad(path, pos, is_last, "a source record does not hold valid JSON")
    data_offset = start + _JSON_LENGTH.size + text_length
    record = Record(kind, start, length, crc, value, data_offset,
                    start + length - data_offset)
    if is_last and not verify_record(path, record):
        return None  # a last record that was never finished
    return record


def _bad(path: Path, pos: int, is_last: bool, reason: str) -> None:
    if is_last:
        return None  # the tail of an append that never completed
    raise JournalCorruptError(path, f"{reason} (at byte {pos})")


def verify_record(path: Path, record: Record) -> bool:
    """Whether the whole payload of `record` still matches its CRC (reads it all)."""
    crc = zlib.crc32(record.kind + struct.pack("<Q", record.length))
    with open(path, "rb") as f:
        f.seek(record.offset)
        left = record.length
        while left:
            chunk = f.read(min(left, _READ_CHUNK))
            if not chunk:
                return False
            crc = zlib.crc32(chunk, crc)
            left -= len(chunk)
    return crc == record.crc

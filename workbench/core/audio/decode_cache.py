"""The decoded-audio cache's size limit: least recently used files go first.

Every file that is not memory-mapped in place (FLAC, MP3, Ogg, 24-bit WAV...)
is decoded once into a float32 file under `cache_dir()/decoded/`.  A file's
modification time records its last use (`touch` on every hit), because access
times are not kept on most mounts (relatime/noatime).  After each new decode
the oldest files are removed until the folder fits the limit; the file just
written is never removed.  Removing a file another document still has mapped
is safe on POSIX: the mapping keeps its pages until it is closed.
"""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path

SUFFIX = ".f32"


def touch(cache_file: Path) -> None:
    """Mark `cache_file` as just used."""
    with suppress(OSError):
        os.utime(cache_file)


def prune(folder: Path, limit_bytes: int, keep: Path | None = None) -> list[Path]:
    """Remove least recently used cache files until the folder holds <= `limit_bytes`.

    `keep` is never removed, even when it alone is over the limit.  A limit
    of 0 or less means no limit.  Returns the files removed.
    """
    if limit_bytes <= 0:
        return []
    entries = []
    for path in folder.glob("*" + SUFFIX):
        with suppress(OSError):
            st = path.stat()
            entries.append((st.st_mtime_ns, st.st_size, path))
    total = sum(size for _, size, _ in entries)
    removed = []
    for _, size, path in sorted(entries, key=lambda e: e[0]):
        if total <= limit_bytes:
            break
        if keep is not None and path == keep:
            continue
        with suppress(FileNotFoundError):
            path.unlink()
        total -= size
        removed.append(path)
    return removed

"""Making finished files survive a power cut: fsync a file, and the folder of a rename."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path


def fsync_file(path: Path | str) -> None:
    """Flush a closed file's data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path | str) -> None:
    """Make a rename into `folder` durable.

    Best effort: the rename has already happened and cannot be undone, and
    some filesystems refuse to fsync a directory.
    """
    with suppress(OSError):
        fsync_file(folder)

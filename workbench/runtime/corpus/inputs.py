"""The files of a corpus run: audio files, folders (recursive) and list files."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

# What a folder scan picks up; a file named on the command line is taken whatever its name.
AUDIO_SUFFIXES = frozenset({".wav", ".wave", ".flac", ".ogg", ".oga", ".mp3", ".aif", ".aiff",
                            ".aifc", ".opus"})
# A file with one of these names is a list of inputs, one path a line (relative paths are
# relative to the list's folder; blank lines and lines starting with # are skipped).
LIST_SUFFIXES = frozenset({".txt", ".lst", ".list"})


@dataclass(frozen=True)
class CorpusFile:
    """One input: `path` to read, `relative` its place in the input tree (for mirrored
    outputs and for the ledger key)."""

    path: Path
    relative: str


def collect_inputs(inputs: Iterable[Path], exclude: Path | None = None) -> list[CorpusFile]:
    """Every input file once, in a stable order; `exclude` (the run folder) is skipped.

    Raises FileNotFoundError for an input that does not exist: a typo should not
    silently run an empty corpus.  A listed file that is missing is kept (its row
    will say why it could not be read).
    """
    found: dict[Path, CorpusFile] = {}
    skip = exclude.resolve() if exclude is not None else None
    for given in inputs:
        for item in _expand(Path(given), skip):
            found.setdefault(item.path.resolve(), item)
    return list(found.values())


def _expand(given: Path, skip: Path | None) -> list[CorpusFile]:
    if given.is_dir():
        return _scan(given, skip)
    if not given.exists():
        raise FileNotFoundError(f"no such file or folder: {given}")
    if given.suffix.lower() in LIST_SUFFIXES:
        return _read_list(given, skip)
    return [CorpusFile(given, given.name)]


def _scan(folder: Path, skip: Path | None) -> list[CorpusFile]:
    files = []
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if skip is None or (here / d).resolve() != skip)
        for name in sorted(names):
            if Path(name).suffix.lower() in AUDIO_SUFFIXES:
                path = here / name
                files.append(CorpusFile(path, path.relative_to(folder).as_posix()))
    return files


def _read_list(list_file: Path, skip: Path | None) -> list[CorpusFile]:
    files = []
    base = list_file.parent
    for line in list_file.read_text(encoding="utf-8", errors="surrogateescape").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        path = Path(line) if Path(line).is_absolute() else base / line
        if path.is_dir():
            files.extend(_scan(path, skip))
            continue
        try:
            relative = path.relative_to(base).as_posix()
        except ValueError:
            relative = path.name
        files.append(CorpusFile(path, relative))
    return files

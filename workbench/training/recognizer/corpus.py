"""Transcribed recordings from a folder, for `workbench train recognizer --corpus DIR`.

Three layouts are read (the first that matches wins):

- LibriSpeech: ``*.trans.txt`` files whose lines are ``ID transcript``, with ``ID.flac``
  (or another audio extension) in the same folder;
- LJSpeech: a ``metadata.csv`` with ``ID|transcript[|normalized transcript]`` lines and the
  audio in ``wavs/ID.wav`` (or beside the csv);
- pairs: every audio file with a same-named ``.txt`` holding its transcript (searched
  recursively).

Transcripts are normalized to the recognizer's alphabet (lowercase a-z, apostrophe,
single spaces; digits spelled out; hyphens split words; other punctuation dropped).  A
pair that cannot be used raises `CorpusError` naming the file and the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

AUDIO_EXTENSIONS = (".flac", ".wav", ".ogg", ".mp3", ".aiff", ".aif")
_NUMBER = re.compile(r"\d+")


class CorpusError(ValueError):
    """A corpus folder or one of its files cannot be used; ``path`` names the file."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass(frozen=True)
class Utterance:
    """One transcribed recording: the audio file and its normalized transcript."""

    audio: Path
    text: str

    @property
    def key(self) -> str:
        return self.audio.stem


def normalize_transcript(text: str) -> str:
    """Lowercase words of a-z and apostrophes separated by single spaces."""
    from workbench.training.synth.text import number_to_words

    def spell(match: re.Match) -> str:
        value = int(match.group())
        return f" {number_to_words(value)} " if value < 1_000_000 else " ".join(match.group())

    text = _NUMBER.sub(spell, text.lower().replace("’", "'"))
    text = re.sub(r"[^a-z' ]+", " ", text)
    words = [w.strip("'") for w in text.split()]
    return " ".join(w for w in words if w)


def read_corpus(folder: str | Path) -> list[Utterance]:
    """Every usable utterance of ``folder`` (sorted by audio path).

    Raises `CorpusError` when the folder is missing or holds no transcribed audio, and for
    the first pair it cannot use (missing audio, missing/empty/unreadable transcript).
    """
    root = Path(folder)
    if not root.is_dir():
        raise CorpusError(root, "is not a folder")
    trans = sorted(root.rglob("*.trans.txt"))
    if trans:
        found = [u for path in trans for u in _librispeech(path)]
    elif (root / "metadata.csv").is_file():
        found = _ljspeech(root / "metadata.csv")
    else:
        found = _pairs(root)
    if not found:
        raise CorpusError(root, "holds no transcribed audio (expected audio files with "
                                "same-named .txt files, an LJSpeech metadata.csv or "
                                "LibriSpeech *.trans.txt files)")
    return sorted(found, key=lambda u: str(u.audio))


def _audio_beside(folder: Path, stem: str, listed_in: Path) -> Path:
    for ext in AUDIO_EXTENSIONS:
        candidate = folder / f"{stem}{ext}"
        if candidate.is_file():
            return candidate
    raise CorpusError(listed_in, f"lists {stem!r} but there is no audio file {stem}.* "
                                 f"in {folder}")


def _utterance(audio: Path, raw: str, source: Path) -> Utterance:
    text = normalize_transcript(raw)
    if not text:
        raise CorpusError(source, f"the transcript of {audio.name} is empty after "
                                  "normalization (no letters)")
    return Utterance(audio, text)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(path, f"cannot read the transcript: {exc}") from exc


def _librispeech(path: Path) -> list[Utterance]:
    out = []
    for number, line in enumerate(_read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        key, _, raw = line.strip().partition(" ")
        if not raw.strip():
            raise CorpusError(path, f"line {number} has no transcript after the id {key!r}")
        out.append(_utterance(_audio_beside(path.parent, key, path), raw, path))
    return out


def _ljspeech(path: Path) -> list[Utterance]:
    out = []
    wavs = path.parent / "wavs"
    folder = wavs if wavs.is_dir() else path.parent
    for number, line in enumerate(_read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split("|")
        if len(fields) < 2:
            raise CorpusError(path, f"line {number} is not 'id|transcript'")
        raw = fields[2] if len(fields) > 2 and fields[2].strip() else fields[1]
        out.append(_utterance(_audio_beside(folder, fields[0].strip(), path), raw, path))
    return out


def _pairs(root: Path) -> list[Utterance]:
    audio = sorted(p for p in root.rglob("*") if p.suffix.lower() in AUDIO_EXTENSIONS)
    out = []
    for path in audio:
        text = path.with_suffix(".txt")
        if not text.is_file():
            raise CorpusError(path, f"has no transcript file {text.name} beside it")
        out.append(_utterance(path, _read_text(text), text))
    orphans = {p.with_suffix("") for p in root.rglob("*.txt")} - {p.with_suffix("")
                                                                  for p in audio}
    if orphans:
        first = sorted(orphans)[0].with_suffix(".txt")
        raise CorpusError(first, "is a transcript with no audio file of the same name")
    return out

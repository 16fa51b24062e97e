"""Transcripts as subtitle files: SubRip (.srt) and WebVTT (.vtt).

Words are grouped into cues: a cue ends after `max_words` words, when it
would last longer than `max_seconds`, or at a pause longer than `max_gap`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.core.analysis.results import Transcript, Word


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def transcript_cues(words: Sequence[Word], max_words: int = 8, max_seconds: float = 5.0,
                    max_gap: float = 1.0) -> list[Cue]:
    """Consecutive words grouped into subtitle cues (see the module docstring)."""
    cues: list[Cue] = []
    group: list[Word] = []
    for word in words:
        if group and (len(group) >= max_words or word.end - group[0].start > max_seconds
                      or word.start - group[-1].end > max_gap):
            cues.append(_cue(group))
            group = []
        group.append(word)
    if group:
        cues.append(_cue(group))
    return cues


def _cue(words: Sequence[Word]) -> Cue:
    return Cue(words[0].start, words[-1].end, " ".join(w.word for w in words))


def _timestamp(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def to_srt(transcript: Transcript) -> str:
    """SubRip text: numbered cues, "HH:MM:SS,mmm --> HH:MM:SS,mmm" times."""
    blocks = [f"{i}\n{_timestamp(c.start, ',')} --> {_timestamp(c.end, ',')}\n{c.text}\n"
              for i, c in enumerate(transcript_cues(transcript.words), start=1)]
    return "\n".join(blocks)


def to_vtt(transcript: Transcript) -> str:
    """WebVTT text: a "WEBVTT" header, then "HH:MM:SS.mmm --> HH:MM:SS.mmm" cues."""
    blocks = [f"{_timestamp(c.start, '.')} --> {_timestamp(c.end, '.')}\n{c.text}\n"
              for c in transcript_cues(transcript.words)]
    return "\n".join(["WEBVTT\n", *blocks])

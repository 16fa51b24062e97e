"""A document's transcript as the user sees it, written as TXT, SRT, VTT, JSON or
Audacity labels.

The words come from the document's "words" tier, so corrections made there
(edited text, moved or added words) are what gets exported; each word's
confidence comes from the recognizer's transcript analysis, matched by start
frame (a word the recognizer did not emit, such as one typed in later, gets 1.0:
a person vouched for it).  The JSON has the shape of `workbench transcribe --json`.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.core.analysis.results import Transcript, Word
from workbench.core.document.analysis_commands import WORDS_TIER
from workbench.core.document.document import Document
from workbench.core.labels.label_formats import write_audacity
from workbench.core.labels.labels import LabelTier
from workbench.core.labels.subtitles import to_srt, to_vtt

TYPED_WORD_CONFIDENCE = 1.0


class TranscriptFormat(enum.Enum):
    """An export format: its menu text and file suffix."""

    TXT = ("Plain text", ".txt")
    SRT = ("SubRip subtitles", ".srt")
    VTT = ("WebVTT subtitles", ".vtt")
    JSON = ("JSON (as the CLI writes it)", ".json")
    AUDACITY = ("Audacity labels", ".txt")

    @property
    def title(self) -> str:
        return self.value[0]

    @property
    def suffix(self) -> str:
        return self.value[1]


@dataclass(frozen=True)
class TranscriptExport:
    """What an export needs: the transcript, its words tier and the file it came from."""

    transcript: Transcript
    tier: LabelTier
    file: str
    duration: float
    sample_rate: int
    warnings: tuple[str, ...] = ()


def document_transcript(doc: Document, warnings: Sequence[str] = ()) -> TranscriptExport | None:
    """The document's words tier as a transcript (None when it has no words tier)."""
    tier = next((t for t in doc.label_tiers if t.name == WORDS_TIER), None)
    if tier is None:
        return None
    rate = doc.sample_rate
    analysis = doc.analyses.get("transcribe")
    found = analysis if isinstance(analysis, Transcript) else None
    confidences = {round(w.start * rate): w.confidence for w in found.words} if found else {}
    words = [Word(lab.text, lab.start / rate, lab.end / rate,
                  confidences.get(lab.start, TYPED_WORD_CONFIDENCE)) for lab in tier.labels]
    span = found.span if found else (0.0, doc.frames / rate)
    transcript = Transcript.from_words(words, found.model if found else "",
                                       found.device if found else "",
                                       found.elapsed if found else 0.0, span)
    return TranscriptExport(transcript, tier, str(doc.path) if doc.path else doc.title, doc.frames / rate,
                            rate, tuple(warnings))


def transcript_json(export: TranscriptExport) -> dict:
    """The JSON object `workbench transcribe --json` prints, for this transcript."""
    t = export.transcript
    return {"file": export.file, "duration": export.duration,
            "sample_rate": export.sample_rate, "model": t.model, "device": t.device,
            "elapsed": t.elapsed, "text": t.text,
            "words": [{"word": w.word, "start": w.start, "end": w.end,
                       "confidence": w.confidence} for w in t.words],
            "warnings": list(export.warnings)}


def transcript_text(export: TranscriptExport, fmt: TranscriptFormat) -> str:
    """The file text of `export` in `fmt`."""
    if fmt is TranscriptFormat.TXT:
        return export.transcript.text + "\n"
    if fmt is TranscriptFormat.SRT:
        return to_srt(export.transcript)
    if fmt is TranscriptFormat.VTT:
        return to_vtt(export.transcript)
    if fmt is TranscriptFormat.JSON:
        return json.dumps(transcript_json(export), indent=2) + "\n"
    return write_audacity(export.tier, export.sample_rate)

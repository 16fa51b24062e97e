"""Transcript exports: TXT, SRT, VTT, JSON (the CLI's shape) and Audacity labels,
written from the words tier (edits included) with the recognizer's confidences."""

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from workbench.cli.model_commands import transcript_json as cli_transcript_json
from workbench.core.analysis.results import Transcript, Word
from workbench.core.document.analysis_commands import ApplyAnalysisCommand
from workbench.core.document.document import Document
from workbench.core.document.history import History
from workbench.core.document.label_commands import SetLabelTextCommand
from workbench.core.document.transcript_export import (
    TranscriptFormat,
    document_transcript,
    transcript_json,
    transcript_text,
)

RATE = 16000


def transcribed(path=Path("/tmp/talk.wav")):
    doc = Document.from_array(np.zeros((3 * RATE, 1), np.float32), RATE, path=path)
    words = (Word("hello", 0.2, 0.6, 0.93), Word("wurld", 0.8, 1.3, 0.31))
    result = Transcript.from_words(words, "recognizer", "cpu", 0.25, (0.0, 3.0))
    history = History(doc)
    history.push(ApplyAnalysisCommand("transcribe", result, "Transcribe"))
    return doc, history, result


def test_no_words_tier_no_export():
    doc = Document.from_array(np.zeros((RATE, 1), np.float32), RATE)
    assert document_transcript(doc) is None


def test_words_come_from_the_tier_with_edits_and_recognizer_confidences():
    doc, history, _ = transcribed()
    tier = doc.label_tiers[0]
    history.push(SetLabelTextCommand(tier.id, tier.labels[1].id, "world"))
    export = document_transcript(doc)
    assert export.transcript.text == "hello world"
    assert [(w.start, w.end, w.confidence) for w in export.transcript.words] == [
        (0.2, 0.6, 0.93), (0.8, 1.3, 0.31)]


def test_txt():
    doc, _, _ = transcribed()
    assert transcript_text(document_transcript(doc), TranscriptFormat.TXT) == "hello wurld\n"


def test_srt_and_vtt():
    doc, _, _ = transcribed()
    export = document_transcript(doc)
    assert transcript_text(export, TranscriptFormat.SRT) == (
        "1\n00:00:00,200 --> 00:00:01,300\nhello wurld\n")
    assert transcript_text(export, TranscriptFormat.VTT) == (
        "WEBVTT\n\n00:00:00.200 --> 00:00:01.300\nhello wurld\n")


def test_json_has_the_cli_shape():
    doc, _, result = transcribed()
    export = document_transcript(doc, warnings=["clipped"])
    loaded = SimpleNamespace(info=SimpleNamespace(duration=3.0, sample_rate=RATE,
                                                  warnings=["clipped"]))
    expected = cli_transcript_json(Path("/tmp/talk.wav"), loaded, result)
    assert transcript_json(export) == expected
    assert json.loads(transcript_text(export, TranscriptFormat.JSON)) == expected


def test_audacity_labels():
    doc, _, _ = transcribed()
    assert transcript_text(document_transcript(doc), TranscriptFormat.AUDACITY) == (
        "0.200000\t0.600000\thello\n0.800000\t1.300000\twurld\n")

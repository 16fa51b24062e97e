"""Classified segments written as CSV, JSON (the CLI's shape) and Audacity labels, and the
"classes" label tier a classification becomes."""

import csv
import io
import json

import numpy as np
import pytest

from workbench.core.analysis.results import Classification, Segment
from workbench.core.document.analysis_commands import ApplyAnalysisCommand
from workbench.core.document.document import Document
from workbench.core.document.history import History
from workbench.core.labels.class_tier import CLASSES_TIER
from workbench.core.labels.label_formats import read_audacity
from workbench.core.labels.labels import Label, LabelTier
from workbench.core.labels.segment_export import export_segments, format_for, segments_json

LABELS = ("speech", "music")


def classification(segments, span=(0.0, 3.0)):
    probs = np.tile([[0.9, 0.1]], (9, 1))
    return Classification(LABELS, 0.25, 1.0, probs, tuple(segments), "classifier", "cpu", 0.5,
                          span)


SEGMENTS = (Segment(0.0, 1.25, "speech", 0.93), Segment(1.25, 3.0, "music", 0.81))


def test_csv_has_a_header_and_one_row_per_segment(tmp_path):
    path = export_segments(tmp_path / "segments.csv", classification(SEGMENTS))
    rows = list(csv.DictReader(io.StringIO(path.read_text())))
    assert rows == [{"start": "0.000", "end": "1.250", "label": "speech", "confidence": "0.9300"},
                    {"start": "1.250", "end": "3.000", "label": "music", "confidence": "0.8100"}]


def test_json_has_the_command_line_shape_and_sums_only_the_chosen_segments(tmp_path):
    path = export_segments(tmp_path / "speech.json", classification(SEGMENTS), [SEGMENTS[0]],
                           file="talk.wav", duration=3.0)
    data = json.loads(path.read_text())
    assert set(data) == {"file", "duration", "model", "device", "elapsed", "labels",
                         "segments", "summary", "warnings"}
    assert data["file"] == "talk.wav" and data["labels"] == ["speech", "music"]
    assert data["warnings"] == []
    assert data["segments"] == [{"start": 0.0, "end": 1.25, "label": "speech",
                                 "confidence": 0.93}]
    assert data["summary"] == {"speech": 1.25, "music": 0.0}


def test_audacity_labels_read_back_as_the_same_regions(tmp_path):
    path = export_segments(tmp_path / "labels.txt", classification(SEGMENTS))
    tier = read_audacity(path.read_text(), 16000)
    assert [(lab.start, lab.end, lab.text) for lab in tier.labels] == \
        [(0, 20000, "speech"), (20000, 48000, "music")]


def test_an_unknown_extension_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ValueError, match="segment format"):
        export_segments(tmp_path / "segments.xml", classification(SEGMENTS))
    assert list(tmp_path.iterdir()) == []
    assert format_for("A.JSON") == "json"


def test_json_defaults_to_every_segment_and_the_span_as_duration():
    data = segments_json(classification(SEGMENTS))
    assert len(data["segments"]) == 2 and data["duration"] == 3.0


def test_applying_a_classification_fills_the_classes_tier_undoably():
    doc = Document.from_array(np.zeros((16000 * 4, 1), np.float32), 16000)
    history = History(doc)
    history.push(ApplyAnalysisCommand("classify", classification(SEGMENTS, (0.0, 4.0))))
    tier = next(t for t in doc.label_tiers if t.name == CLASSES_TIER)
    assert [(lab.start, lab.end, lab.text) for lab in tier.labels] == \
        [(0, 20000, "speech"), (20000, 48000, "music")]
    history.undo()
    assert doc.label_tiers == ()


def test_a_rerun_on_a_selection_replaces_the_tier_inside_it_and_cuts_labels_at_its_edges():
    doc = Document.from_array(np.zeros((16000 * 4, 1), np.float32), 16000)
    old = LabelTier(CLASSES_TIER, (Label(0, 64000, "music"),))
    doc.set_label_tiers([old])
    rerun = classification((Segment(1.0, 2.0, "speech", 0.9),), span=(1.0, 2.0))
    History(doc).push(ApplyAnalysisCommand("classify", rerun))
    (tier,) = doc.label_tiers
    assert tier.id == old.id
    assert [(lab.start, lab.end, lab.text) for lab in tier.labels] == \
        [(0, 16000, "music"), (16000, 32000, "speech"), (32000, 64000, "music")]

"""Truth metrics of a run: accuracy, per-class precision/recall, confusion, WER/CER."""

import pytest

from workbench.runtime.corpus.truth import (
    TruthFileError,
    classification_scores,
    edit_distance,
    read_truth,
    score,
    write_truth,
)

FILES = [
    {"key": "a", "path": "/c/a.wav", "relative": "a.wav", "status": "ok", "text": "loud"},
    {"key": "b", "path": "/c/sub/b.wav", "relative": "sub/b.wav", "status": "ok",
     "text": "quiet"},
    {"key": "c", "path": "/c/c.wav", "relative": "c.wav", "status": "error", "text": ""},
]
SEGMENTS = [{"key": "b", "start": 0.0, "end": 1.0, "label": "quiet"},
            {"key": "b", "start": 1.0, "end": 3.0, "label": "loud"}]


def test_file_labels_give_accuracy_precision_recall_and_the_confusion(tmp_path):
    truth = tmp_path / "truth.csv"
    truth.write_text("file,label\na.wav,loud\nsub/b.wav,loud\nc.wav,quiet\nnone.wav,loud\n")
    result = score("classify", read_truth(truth), FILES, SEGMENTS)
    assert (result["truth"], result["not_in_run"], result["error_rows"], result["scored"]) \
        == (4, 1, 1, 2)
    assert result["accuracy"] == 0.5
    assert result["confusion"] == {"loud": {"loud": 1, "quiet": 1}}
    assert result["per_class"]["loud"] == {"precision": 1.0, "recall": 0.5, "support": 2}
    assert result["per_class"]["quiet"] == {"precision": 0.0, "recall": None, "support": 0}


def test_labelled_stretches_are_scored_against_the_segment_overlapping_most(tmp_path):
    truth = tmp_path / "truth.csv"
    truth.write_text("/c/sub/b.wav,0.0,0.8,quiet\nb.wav,1.5,2.5,loud\nb.wav,0.5,1.9,quiet\n")
    assert score("classify", read_truth(truth), FILES, SEGMENTS)["accuracy"] == \
        pytest.approx(2 / 3)


def test_transcripts_give_wer_and_cer(tmp_path):
    files = [{"key": "a", "path": "/c/a.wav", "relative": "a.wav", "status": "ok",
              "text": "the cat sat"}]
    truth = tmp_path / "truth.csv"
    truth.write_text("a.wav,The cat sat down\n")
    result = score("transcribe", read_truth(truth), files, [])
    assert result["wer"] == pytest.approx(1 / 4)
    assert result["cer"] == pytest.approx(5 / 16)


def test_edit_distance_and_a_bad_truth_line(tmp_path):
    assert edit_distance(list("kitten"), list("sitting")) == 3
    assert classification_scores([])["accuracy"] is None
    bad = tmp_path / "bad.csv"
    bad.write_text("a.wav,1,loud\n")
    with pytest.raises(TruthFileError, match="bad.csv:1"):
        read_truth(bad)


def test_a_written_truth_file_reads_back_the_same(tmp_path):
    entries = [("a.wav", None, None, "loud"), ("sub/b, c.wav", 0.25, 1.5, "a \"quoted\" class")]
    path = tmp_path / "truth.csv"
    write_truth(path, entries)
    assert read_truth(path) == entries
    write_truth(path, entries[:1])  # replaced whole, no temporary left beside it
    assert read_truth(path) == entries[:1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["truth.csv"]

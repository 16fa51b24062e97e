"""Model results: placing, segments from windows, merging a re-run on a selection, subtitles."""

import numpy as np
import pytest

from workbench.core.analysis.results import (
    Classification,
    Transcript,
    Word,
    merged,
    segments_from_windows,
)
from workbench.core.labels.subtitles import to_srt, to_vtt, transcript_cues

LABELS = ("speech", "music")


def transcript(words, span):
    return Transcript.from_words([Word(w, s, e, 0.9) for w, s, e in words], "m", "cpu", 0.1,
                                 span)


def classification(rows, span, hop=0.5, window=1.0, starts=None):
    probs = np.asarray(rows, np.float32)
    starts = span[0] + np.arange(len(probs)) * hop if starts is None else starts
    segs = segments_from_windows(probs, LABELS, starts, window, span)
    return Classification(LABELS, hop, window, probs, segs, "m", "cpu", 0.1, span, starts)


def test_segments_split_halfway_between_window_centres_and_cover_the_span():
    result = classification([[0.9, 0.1], [0.8, 0.2], [0.3, 0.7], [0.1, 0.9]], (0.0, 2.5))
    assert [(s.label, s.start, s.end) for s in result.segments] == [
        ("speech", 0.0, 1.25), ("music", 1.25, 2.5)]
    assert result.segments[0].confidence == pytest.approx(0.85)
    assert result.summary() == {"speech": 1.25, "music": 1.25}


def test_placing_moves_every_time_by_the_offset():
    t = transcript([("hello", 0.5, 0.9)], (0.0, 2.0)).placed(10.0)
    assert t.words[0].start == 10.5 and t.span == (10.0, 12.0)
    c = classification([[1, 0]], (0.0, 1.0)).placed(3.0)
    assert c.window_starts[0] == 3.0 and c.segments[0].start == 3.0 and c.span == (3.0, 4.0)


def test_rerun_transcript_replaces_only_the_words_inside_its_span():
    old = transcript([("one", 0.1, 0.4), ("two", 1.1, 1.4), ("three", 2.1, 2.6)], (0.0, 3.0))
    new = transcript([("deux", 1.0, 1.5), ("bis", 1.6, 1.9)], (1.0, 2.0))
    result = merged(old, new)
    assert [w.word for w in result.words] == ["one", "deux", "bis", "three"]
    assert result.text == "one deux bis three" and result.span == (0.0, 3.0)


def test_rerun_classification_replaces_windows_and_cuts_segments_at_the_span():
    old = classification([[0.9, 0.1]] * 5, (0.0, 3.0))  # speech throughout
    new = classification([[0.2, 0.8], [0.1, 0.9]], (1.0, 2.0), starts=np.array([1.0, 1.5]))
    result = merged(old, new)
    assert [(s.label, s.start, s.end) for s in result.segments] == [
        ("speech", 0.0, 1.0), ("music", 1.0, 2.0), ("speech", 2.0, 3.0)]
    # old windows centred at 1.0 and 1.5 (starts 0.5 and 1.0) gave way to the new ones
    assert list(result.window_starts) == [0.0, 1.0, 1.5, 1.5, 2.0]
    assert result.probabilities[[1, 3], 1].tolist() == pytest.approx([0.8, 0.9])  # the new rows
    assert merged(classification([[1, 0]], (0, 1)), new) is not new  # same labels: merged


def test_results_of_another_kind_or_label_set_replace_the_old_one():
    new = transcript([("x", 0, 1)], (0, 1))
    assert merged(None, new) is new
    other = Classification(("a",), 1, 1, np.ones((1, 1)), (), "m", "cpu", 0, (0, 1))
    fresh = classification([[1, 0]], (0, 1))
    assert merged(other, fresh) is fresh


def test_subtitle_cues_break_at_pauses_and_word_counts():
    words = [Word(f"w{i}", i * 0.3, i * 0.3 + 0.2, 1.0) for i in range(10)]
    words.append(Word("late", 10.0, 10.5, 1.0))
    cues = transcript_cues(words, max_words=8)
    assert [c.text.split()[0] for c in cues] == ["w0", "w8", "late"]
    t = Transcript.from_words(words, "m", "cpu", 0, (0, 11))
    srt = to_srt(t)
    assert srt.startswith("1\n00:00:00,000 --> 00:00:02,300\nw0 w1")
    assert "3\n00:00:10,000 --> 00:00:10,500\nlate\n" in srt
    assert to_vtt(t).startswith("WEBVTT\n\n00:00:00.000 --> 00:00:02.300\n")


def test_the_window_nearest_a_time_is_the_one_centred_closest_to_it():
    probabilities = np.full((4, 2), 0.5)
    result = Classification(("a", "b"), 0.25, 1.0, probabilities, (), "m", "cpu", 0.0,
                            (10.0, 12.0))  # windows start at 10, 10.25, 10.5, 10.75
    assert result.window_nearest(10.5) == 0  # centred at 10.5
    assert result.window_nearest(10.9) == 2  # 11.0 is nearer than 10.75
    assert result.window_nearest(0.0) == 0 and result.window_nearest(99.0) == 3
    empty = Classification(("a", "b"), 0.25, 1.0, np.zeros((0, 2)), (), "m", "cpu", 0.0,
                           (0.0, 0.0))
    assert empty.window_nearest(1.0) is None

"""Word pieces join into words timed by the frames where they were emitted."""

import math

import pytest

from workbench.ml.recognizer.rnnt.word_pieces import timed_words


def test_pieces_join_into_words_timed_by_their_frames():
    words = timed_words(["\u2581he", "llo", "\u2581", "\u2581world", "s", "\u2581a"],
                        [3, 5, 6, 9, 9, 20],
                        [math.log(0.5), math.log(0.8), math.log(0.9), math.log(0.9),
                         math.log(0.4), math.log(0.7)], 0.04, end_s=0.5)
    assert [w.word for w in words] == ["hello", "worlds", "a"]
    assert (words[0].start, words[0].end) == pytest.approx((0.12, 0.24))
    assert words[0].confidence == pytest.approx(math.sqrt(0.5 * 0.8))  # geometric mean
    assert (words[1].start, words[1].end) == pytest.approx((0.36, 0.40))
    assert words[1].confidence == pytest.approx(0.6)
    # Emitted in the padding after the end: kept, as the audio's last frame.
    assert (words[2].start, words[2].end) == pytest.approx((0.46, 0.5))

"""Beam search with the word LM, the LM file format, and forced-alignment word times,
on hand-made posteriorgrams (so the expected answers are known exactly)."""

import numpy as np
import pytest

from workbench.ml.recognizer.align import align_words
from workbench.ml.recognizer.beam import BeamSettings, beam_search
from workbench.ml.recognizer.lm import START, build_bigram, read_arpa
from workbench.ml.recognizer.net import CHARACTERS
from workbench.training.recognizer.metrics import greedy_text

SPF = 0.04
SENTENCES = ["the cat sat on the mat", "the dog sat on the log", "a cat saw the dog",
             "the cat ran home"]


@pytest.fixture(scope="module")
def lm():
    return build_bigram(SENTENCES, vocabulary=["mouse"])


def posteriorgram(spoken, unsure=None, frames_per_char=2, gap=1):
    """Each character of `spoken` for `frames_per_char` frames (at 0.9), then `gap` blank
    frames; `unsure` maps a position to (heard, true): 0.55 for heard, 0.4 for true."""
    rows = []
    for i, char in enumerate(spoken):
        for _ in range(frames_per_char):
            row = np.full(len(CHARACTERS) + 1, 1e-4)
            if unsure and i in unsure:
                heard, true = unsure[i]
                row[CHARACTERS.index(heard) + 1], row[CHARACTERS.index(true) + 1] = 0.55, 0.4
            else:
                row[CHARACTERS.index(char) + 1] = 0.9
            rows.append(row)
        for _ in range(gap):
            row = np.full(len(CHARACTERS) + 1, 1e-4)
            row[0] = 0.99
            rows.append(row)
    probs = np.array(rows)
    return np.log(probs / probs.sum(axis=1, keepdims=True))


def test_the_lm_recovers_a_lexicon_word_that_greedy_misspells(lm):
    grams = posteriorgram("the cat sat", unsure={5: ("u", "a")})  # "cut" vs "cat"
    assert greedy_text(grams) == "the cut sat"
    assert beam_search(grams, CHARACTERS, lm) == "the cat sat"
    assert beam_search(grams, CHARACTERS, None) == "the cut sat"  # no LM, no correction


def test_a_clear_word_outside_the_lexicon_comes_out_spelled(lm):
    grams = posteriorgram("the zorbl sat")
    assert "zorbl" not in lm
    assert beam_search(grams, CHARACTERS, lm) == "the zorbl sat"


def test_repeated_letters_need_a_blank_between_them(lm):
    grams = posteriorgram("a cat saw the dog", frames_per_char=3)
    assert beam_search(grams, CHARACTERS, lm, BeamSettings(beam=4)) == "a cat saw the dog"


def test_lm_probabilities_and_arpa_round_trip(lm, tmp_path):
    assert lm.log_prob(START, "the") > lm.log_prob(START, "mouse") > lm.log_prob(START, "zz")
    assert lm.log_prob("the", "cat") > lm.log_prob("the", "home")  # seen bigram vs backoff
    words = sorted(lm.words)
    total = sum(np.exp(lm.log_prob("the", w)) for w in words + ["</s>"])
    assert total == pytest.approx(1.0, abs=0.02)  # backoff keeps the distribution whole
    path = tmp_path / "lm.arpa"
    lm.write_arpa(path)
    again = read_arpa(path)
    for previous, word in [("the", "cat"), ("cat", "mouse"), (START, "a")]:
        assert again.log_prob(previous, word) == pytest.approx(lm.log_prob(previous, word),
                                                               abs=1e-4)


def test_alignment_gives_word_times_and_confidences():
    grams = posteriorgram("the cat", frames_per_char=2, gap=1)
    words = align_words(grams, "the cat", CHARACTERS, SPF, offset=1.0)
    assert [w.word for w in words] == ["the", "cat"]
    # "the" is frames 0-8 (3 chars x 3 frames, last blank excluded); "cat" starts after
    # the space (frames 9-11) at frame 12.
    assert words[0].start == pytest.approx(1.0) and words[0].end == pytest.approx(1 + 8 * SPF)
    assert words[1].start == pytest.approx(1 + 12 * SPF)
    assert all(0.8 < w.confidence <= 1.0 for w in words)


def test_alignment_of_a_text_too_long_for_the_clip_falls_back_to_greedy_times():
    grams = posteriorgram("hi", frames_per_char=1, gap=0)
    words = align_words(grams, "hello there", CHARACTERS, SPF)
    assert [w.word for w in words] == ["hi"]

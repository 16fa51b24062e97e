"""Merging per-window class probabilities into stable segments, and doubtful stretches."""

import numpy as np
import pytest

from workbench.core.labels.class_segments import (
    DEFAULT_HYSTERESIS,
    Hysteresis,
    hysteresis_segments,
    uncertain_spans,
    window_margins,
)

LABELS = ("speech", "music", "noise")
HOP, WINDOW = 0.25, 1.0


def probs_for(classes, confidence=0.9):
    """One row per window: `confidence` on the given class, the rest shared."""
    rows = np.full((len(classes), len(LABELS)), (1 - confidence) / (len(LABELS) - 1))
    rows[np.arange(len(classes)), classes] = confidence
    return rows


def segments(probs, rule=DEFAULT_HYSTERESIS):
    starts = np.arange(len(probs)) * HOP
    span = (0.0, starts[-1] + WINDOW)
    return hysteresis_segments(probs, LABELS, starts, WINDOW, span, rule)


def test_a_single_flickering_window_does_not_split_a_segment():
    probs = probs_for([0] * 8 + [1] + [0] * 8)
    result = segments(probs)
    assert [s.label for s in result] == ["speech"]
    assert (result[0].start, result[0].end) == (0.0, 16 * HOP + WINDOW)


def test_a_lasting_change_splits_where_the_new_class_began():
    probs = probs_for([0] * 8 + [1] * 8)
    result = segments(probs)
    assert [s.label for s in result] == ["speech", "music"]
    # Halfway between the centres of window 7 (2.25 s) and window 8 (2.5 s), plus half a window.
    assert result[0].end == pytest.approx(7.5 * HOP + WINDOW / 2)
    assert result[1].start == result[0].end


def test_mixed_windows_at_a_change_keep_the_old_class_until_the_new_one_is_clear():
    probs = probs_for([0] * 6 + [1] * 6)
    # Two straddling windows: both classes near one half.
    probs[6] = [0.45, 0.5, 0.05]
    probs[7] = [0.35, 0.55, 0.1]
    result = segments(probs)
    assert [s.label for s in result] == ["speech", "music"]
    assert result[1].start == pytest.approx(7.5 * HOP + WINDOW / 2)  # at window 8, not 6


def test_plain_argmax_would_flicker_where_hysteresis_holds():
    # Alternating near-ties between two classes: argmax changes every window.
    probs = np.tile([[0.52, 0.46, 0.02], [0.46, 0.52, 0.02]], (6, 1))
    result = segments(probs)
    assert len(result) == 1 and result[0].label == "speech"


def test_segment_confidence_is_the_mean_probability_of_its_label():
    probs = probs_for([2] * 4, confidence=0.8)
    probs[0, 2] = 0.6
    (only,) = segments(probs)
    assert only.label == "noise" and only.confidence == pytest.approx((0.6 + 3 * 0.8) / 4)


def test_a_longer_minimum_run_ignores_shorter_excursions():
    probs = probs_for([0] * 5 + [1] * 2 + [0] * 5)
    assert [s.label for s in segments(probs, Hysteresis(min_windows=2))] == \
        ["speech", "music", "speech"]
    assert [s.label for s in segments(probs, Hysteresis(min_windows=3))] == ["speech"]


def test_margins_and_uncertain_spans_merge_neighbouring_doubtful_windows():
    probs = probs_for([0] * 10)
    probs[4] = probs[5] = [0.45, 0.40, 0.15]
    probs[8] = [0.5, 0.3, 0.2]
    margins = window_margins(probs)
    assert margins[0] == pytest.approx(0.85) and margins[4] == pytest.approx(0.05)
    spans = uncertain_spans(probs, np.arange(10) * HOP, WINDOW, HOP, min_margin=0.3)
    centre = WINDOW / 2
    assert spans == [pytest.approx((centre + 3.5 * HOP, centre + 5.5 * HOP)),
                     pytest.approx((centre + 7.5 * HOP, centre + 8.5 * HOP))]


def test_no_windows_give_no_segments():
    empty = np.zeros((0, 3))
    assert hysteresis_segments(empty, LABELS, np.zeros(0), WINDOW, (0.0, 0.0)) == ()
    assert uncertain_spans(empty, np.zeros(0), WINDOW, HOP) == []

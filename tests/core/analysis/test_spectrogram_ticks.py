"""Frequency-axis ticks and their labels."""

import pytest

from workbench.core.analysis.frequency_scale import (
    format_frequency,
    frequency_ticks,
    frequency_to_position,
)

RATE = 48000


def pixels(hz, scale, length_px):
    return [float(frequency_to_position(f, scale, RATE)) * length_px for f in hz]


@pytest.mark.parametrize("scale", ["linear", "log", "mel"])
@pytest.mark.parametrize("length_px", [120, 300, 900])
def test_major_ticks_are_round_frequencies_that_do_not_crowd(scale, length_px):
    major, _ = frequency_ticks(scale, RATE, 0.0, 1.0, length_px)
    assert len(major) >= 3
    assert all(0 <= f <= RATE / 2 for f in major)
    assert all(float(f"{f:.2g}") == f for f in major)  # at most two significant digits
    gaps = [b - a for a, b in zip(pixels(major, scale, length_px)[:-1],
                                  pixels(major, scale, length_px)[1:], strict=True)]
    assert min(gaps) >= 28 - 1e-9


def test_a_tall_log_axis_shows_each_decade_and_its_twos_and_fives():
    major, minor = frequency_ticks("log", RATE, 0.0, 1.0, 300)
    assert {100.0, 1000.0, 10000.0, 200.0, 500.0, 2000.0, 5000.0} <= set(major)
    assert 3000.0 in minor and 3000.0 not in major


def test_a_narrow_range_gets_evenly_stepped_ticks():
    # 695..795 Hz on a log axis holds no 1-2-5 number twice: fall back to steps.
    major, _ = frequency_ticks("log", RATE, 0.5, 0.52, 300)
    steps = {round(b - a, 6) for a, b in zip(major[:-1], major[1:], strict=True)}
    assert len(major) >= 3 and len(steps) == 1


def test_an_empty_or_inverted_range_has_no_ticks():
    assert frequency_ticks("mel", RATE, 0.5, 0.5, 300) == ([], [])
    assert frequency_ticks("mel", RATE, 0.0, 1.0, 0) == ([], [])


@pytest.mark.parametrize(("hz", "text"), [
    (0.0, "0"), (20.0, "20"), (440.0, "440"), (1000.0, "1k"), (1500.0, "1.5k"),
    (20000.0, "20k"), (22050.0, "22.1k"),
])
def test_labels_are_short(hz, text):
    assert format_frequency(hz) == text

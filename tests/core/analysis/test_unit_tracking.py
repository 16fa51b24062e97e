"""Finding the recurrent unit that follows silence."""

import numpy as np
import pytest

from workbench.core.analysis.recurrent_states import RecurrentStates
from workbench.core.analysis.unit_tracking import silence_indicator, unit_tracking

RATE, SPF = 16000, 0.04


def states_with(unit_values: dict[int, np.ndarray], frames: int, units: int = 6):
    rng = np.random.default_rng(0)
    values = rng.uniform(-0.3, 0.3, size=(1, 2, frames, units)).astype(np.float32)
    for unit, series in unit_values.items():
        values[0, 1, :, unit] = series
    return RecurrentStates(values, SPF)


def test_the_quiet_frames_are_marked_by_level():
    frames = 20
    audio = np.zeros(int(frames * SPF * RATE), np.float32)
    loud = slice(int(5 * SPF * RATE), int(15 * SPF * RATE))
    audio[loud] = 0.5 * np.sin(np.arange(loud.stop - loud.start) * 0.3)
    audio += 1e-4 * np.random.default_rng(1).standard_normal(audio.size).astype(np.float32)
    indicator = silence_indicator(audio, RATE, states_with({}, frames))
    assert list(indicator) == [1.0] * 5 + [0.0] * 10 + [1.0] * 5


def test_the_unit_falling_in_the_pauses_is_found_with_its_sign():
    indicator = np.array([1.0] * 5 + [0.0] * 10 + [1.0] * 5)
    states = states_with({4: 0.8 - 1.6 * indicator}, len(indicator))
    unit, r = unit_tracking(states, 0, 1, indicator)
    assert unit == 4 and r == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="silent throughout, or never"):
        unit_tracking(states, 0, 1, np.zeros(len(indicator)))

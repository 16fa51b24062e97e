"""Which recurrent unit follows a property of the audio: silence versus sound.

`silence_indicator` marks each output frame of a RecurrentStates grid as
silent (1) or sounding (0) from the audio's short-term level: silent where the
frame's RMS lies more than `below_db` under the loudest frame's.
`unit_tracking` then finds the unit of one layer and direction whose activation
correlates most strongly (either sign) with such an indicator, so a lesson can
point at "a unit that tracks silence" in whatever model is installed.

Pure numpy; no Qt, no torch.
"""

from __future__ import annotations

import numpy as np

from workbench.core.analysis.recurrent_states import RecurrentStates

SILENCE_BELOW_DB = 35.0


def silence_indicator(samples: np.ndarray, sample_rate: int, states: RecurrentStates,
                      below_db: float = SILENCE_BELOW_DB) -> np.ndarray:
    """1.0 for each of the states' frames whose level is `below_db` under the loudest, else 0.

    `samples` is mono (or frames x channels, averaged) from time 0 of the document.
    """
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    hop = states.seconds_per_frame * sample_rate
    levels = np.full(states.frames, -200.0)
    for frame in range(states.frames):
        first = int(round((states.start * sample_rate) + frame * hop))
        chunk = mono[first:first + int(round(hop))]
        if chunk.size:
            levels[frame] = 10 * np.log10(np.mean(np.square(chunk, dtype=np.float64)) + 1e-20)
    return (levels < levels.max() - below_db).astype(np.float64)


def unit_tracking(states: RecurrentStates, layer: int, direction: int,
                  indicator: np.ndarray) -> tuple[int, float]:
    """(unit, correlation) of the unit whose activation correlates most with `indicator`.

    The correlation keeps its sign (negative: the unit falls where the indicator
    is 1).  Raises ValueError when the indicator is constant (nothing to track).
    """
    if indicator.shape != (states.frames,):
        raise ValueError(f"the indicator has {indicator.shape} values for "
                         f"{states.frames} frames")
    if np.std(indicator) == 0:
        raise ValueError("the audio is silent throughout, or never: no unit can track that")
    values = states.image(layer, direction).astype(np.float64)  # frames x units
    centred = values - values.mean(axis=0)
    target = indicator - indicator.mean()
    spread = np.sqrt((centred ** 2).sum(axis=0) * (target ** 2).sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(spread > 0, centred.T @ target / spread, 0.0)
    unit = int(np.argmax(np.abs(r)))
    return unit, float(r[unit])

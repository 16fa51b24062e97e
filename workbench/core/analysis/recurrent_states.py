"""What a recognizer's recurrent layers hold over time, for looking inside it.

`RecurrentStates` keeps every recurrent layer's output, per direction (0 forward,
1 backward), unit and output frame, from ``start`` seconds and ``seconds_per_frame``
apart (the posteriorgram's frames), and answers what a view asks: one layer and
direction as a frames x units image, and one unit's activation over time.
Pure numpy; computed by `workbench.ml.recognizer.inspection`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DIRECTIONS = ("forward", "backward")


@dataclass(frozen=True, eq=False)
class RecurrentStates:
    """``states`` (layers, 2, frames, units): the layers' outputs, float16 to keep a
    long recording's states small (they lie in [-1, 1], GRU outputs)."""

    states: np.ndarray
    seconds_per_frame: float
    start: float = 0.0
    model: str = ""

    @property
    def layers(self) -> int:
        return int(self.states.shape[0])

    @property
    def frames(self) -> int:
        return int(self.states.shape[2])

    @property
    def units(self) -> int:
        return int(self.states.shape[3])

    def image(self, layer: int, direction: int) -> np.ndarray:
        """frames x units float32 activations of one layer and direction."""
        return self.states[layer, direction].astype(np.float32)

    def activation(self, layer: int, direction: int, unit: int
                   ) -> tuple[np.ndarray, np.ndarray]:
        """(frame centre times in s, activations) of one unit."""
        times = self.start + (np.arange(self.frames) + 0.5) * self.seconds_per_frame
        return times, self.states[layer, direction, :, unit].astype(np.float32)

    def frame_at(self, time_s: float) -> int | None:
        """The frame covering ``time_s``, or None outside the states."""
        index = int(np.floor((time_s - self.start) / self.seconds_per_frame))
        return index if 0 <= index < self.frames else None

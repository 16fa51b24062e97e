"""What a CTC recognizer emits frame by frame, for looking inside it.

`Posteriorgram` holds log probabilities (frames x symbols; symbol 0 is the CTC
blank, the others are the model's characters) with the time of its first frame
and the time per frame, and answers what a view asks: the best path (the most
probable symbol at each frame) and the top symbols at one time, for hovering.
Pure numpy; computed by `workbench.ml.recognizer.inspection`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BLANK_NAME = "∅"  # how the CTC blank is shown
SPACE_NAME = "␣"


@dataclass(frozen=True, eq=False)
class Posteriorgram:
    """Log posteriors ``log_probs`` (frames, 1 + len(characters)) from ``start`` seconds,
    ``seconds_per_frame`` apart; column 0 is the blank."""

    log_probs: np.ndarray
    characters: str
    seconds_per_frame: float
    start: float = 0.0
    model: str = ""

    @property
    def frames(self) -> int:
        return int(self.log_probs.shape[0])

    @property
    def symbol_names(self) -> tuple[str, ...]:
        """Row names: the blank, then each character (space shown visibly)."""
        return (BLANK_NAME, *(SPACE_NAME if c == " " else c for c in self.characters))

    def best_path(self) -> np.ndarray:
        """The most probable symbol index at each frame (int, one per frame)."""
        if self.frames == 0:
            return np.zeros(0, np.int64)
        return np.argmax(self.log_probs, axis=1)

    def frame_at(self, time_s: float) -> int | None:
        """The frame covering ``time_s``, or None outside the posteriorgram."""
        index = int(np.floor((time_s - self.start) / self.seconds_per_frame))
        return index if 0 <= index < self.frames else None

    def top_symbols(self, frame: int, k: int = 3) -> list[tuple[str, float]]:
        """The ``k`` most probable symbols at ``frame`` as (name, probability), best first."""
        probs = np.exp(self.log_probs[frame].astype(np.float64))
        order = np.argsort(-probs, kind="stable")[:k]
        names = self.symbol_names
        return [(names[i], float(probs[i])) for i in order]

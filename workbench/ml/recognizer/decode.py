"""Greedy CTC decoding of a recognizer's frame posteriors into timed words.

Numpy only, so it is cheap to test with hand-made posteriorgrams.  Symbol 0
is the CTC blank; symbol i > 0 is `characters[i - 1]`, and the space
character separates words.
"""

from __future__ import annotations

import numpy as np

from workbench.core.analysis.results import Word

BLANK = 0


def greedy_ctc_words(log_probs: np.ndarray, characters: str, seconds_per_frame: float,
                     offset: float = 0.0) -> list[Word]:
    """Words from the best symbol of every frame (repeats collapsed, blanks dropped).

    A word starts at the first frame of its first character and ends after the
    last frame of its last character (times in seconds, plus `offset`).  Its
    confidence is the mean posterior probability of the frames that emitted
    its characters.
    """
    scores = np.asarray(log_probs, dtype=np.float64)
    if scores.ndim != 2 or scores.shape[1] != len(characters) + 1:
        raise ValueError(f"expected frames x {len(characters) + 1} log probabilities, got "
                         f"shape {scores.shape}")
    best = scores.argmax(axis=1)
    posterior = np.exp(scores[np.arange(len(best)), best])
    words: list[Word] = []
    chars: list[str] = []
    probs: list[float] = []
    first = last = 0
    previous = BLANK

    def close() -> None:
        if chars:
            words.append(Word("".join(chars), offset + first * seconds_per_frame,
                              offset + last * seconds_per_frame, float(np.mean(probs))))
            chars.clear()
            probs.clear()

    for t, symbol in enumerate(best):
        char = characters[symbol - 1] if symbol != BLANK else ""
        repeated = symbol == previous
        previous = symbol
        if symbol == BLANK or char == " ":
            if char == " ":
                close()
            continue
        if repeated:  # the same character held over several frames
            last = t + 1
            probs.append(float(posterior[t]))
            continue
        if not chars:
            first = t
        chars.append(char)
        probs.append(float(posterior[t]))
        last = t + 1
    close()
    return words

"""Word times and confidences for a transcript, by CTC forced alignment.

`torchaudio.functional.forced_align` finds the most likely frame-by-frame path of the
transcript's characters through the posteriorgram.  A word starts at the first frame
of its first character and ends after the last frame of its last character; its
confidence is the mean posterior probability of its characters' frames along that
path.  When the clip has too few frames for the text (or the text is empty), words get
times from the greedy best path instead.
"""

from __future__ import annotations

import numpy as np
import torch
import torchaudio.functional as taf

from workbench.core.analysis.results import Word
from workbench.ml.recognizer.decode import BLANK, greedy_ctc_words


def align_words(log_probs: np.ndarray, text: str, characters: str, seconds_per_frame: float,
                offset: float = 0.0) -> list[Word]:
    """The words of ``text`` with start/end (seconds, plus ``offset``) and confidence."""
    words = text.split()
    if not words:
        return []
    symbols = [characters.index(c) + 1 for c in " ".join(words) if c in characters]
    repeats = sum(a == b for a, b in zip(symbols[:-1], symbols[1:], strict=False))
    if len(symbols) + repeats > len(log_probs):
        return greedy_ctc_words(log_probs, characters, seconds_per_frame, offset)
    emissions = torch.from_numpy(np.ascontiguousarray(log_probs, dtype=np.float32))[None]
    path, scores = taf.forced_align(emissions, torch.tensor([symbols], dtype=torch.int32),
                                    blank=BLANK)
    spans = taf.merge_tokens(path[0], scores[0].exp())
    space = characters.index(" ") + 1
    out: list[Word] = []
    current: list = []
    for span in spans + [None]:
        if span is None or span.token == space:
            if current:
                frames = sum(s.end - s.start for s in current)
                confidence = sum(s.score * (s.end - s.start) for s in current) / frames
                out.append(Word(words[len(out)], offset + current[0].start * seconds_per_frame,
                                offset + current[-1].end * seconds_per_frame,
                                float(confidence)))
                current = []
            continue
        current.append(span)
    return out

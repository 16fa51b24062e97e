"""CTC prefix beam search over characters, with whole words scored by a word LM.

Any character string can come out: a word the lexicon (the LM's words) does not list
is kept, spelled from the characters, at the LM's out-of-vocabulary cost; a listed
word gets its bigram probability.  So an acoustically unclear word is pulled towards a
known one, and a clear unknown word (a name) survives.  Frames where the blank is
almost certain are passed through without expanding the beam (most frames).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from workbench.ml.recognizer.lm import START, BigramLM

BLANK = 0
NEG_INF = -math.inf


@dataclass(frozen=True)
class BeamSettings:
    """beam: prefixes kept; lm_weight/word_bonus: LM scale and per-word insertion bonus
    (natural log); char_threshold: characters below this posterior are not tried."""

    beam: int = 12
    lm_weight: float = 0.5
    word_bonus: float = 1.0
    char_threshold: float = 1e-3
    blank_skip: float = 0.999


def _logadd(a: float, b: float) -> float:
    if a == NEG_INF:
        return b
    if b == NEG_INF:
        return a
    hi, lo = (a, b) if a > b else (b, a)
    return hi + math.log1p(math.exp(lo - hi))


@dataclass
class _Beam:
    blank: float  # log P(prefix, ends in blank)
    label: float  # log P(prefix, ends in its last character)
    lm: float  # LM score of the finished words (weighted, with bonuses)
    previous: str  # last finished word (LM history)
    partial: str  # characters of the unfinished word

    def total(self, lm: BigramLM | None = None, weight: float = 0.0) -> float:
        """Acoustic + LM score; an unfinished word that can no longer become a listed
        word already pays the unknown-word cost (so not finishing it gains nothing)."""
        partial = 0.0
        if lm is not None and self.partial and self.partial not in lm.prefixes:
            partial = weight * lm.oov_log_prob(self.partial)
        return _logadd(self.blank, self.label) + self.lm + partial


def beam_search(log_probs: np.ndarray, characters: str, lm: BigramLM | None,
                settings: BeamSettings = BeamSettings()) -> str:
    """The best transcript (words separated by single spaces) of a (frames, symbols)
    log-posteriorgram; ``lm`` None gives a plain CTC prefix beam search."""
    space = characters.index(" ") + 1
    beams: dict[str, _Beam] = {"": _Beam(0.0, NEG_INF, 0.0, START, "")}
    floor = math.log(settings.char_threshold)
    for frame in np.asarray(log_probs, dtype=np.float64):
        if frame[BLANK] > math.log(settings.blank_skip):
            for b in beams.values():
                b.blank, b.label = _logadd(b.blank, b.label) + frame[BLANK], NEG_INF
            continue
        candidates = [int(s) for s in np.flatnonzero(frame > floor) if s != BLANK]
        fresh: dict[str, _Beam] = {}
        for text, b in beams.items():
            _add(fresh, text, b, blank=_logadd(b.blank, b.label) + frame[BLANK])
            last = text[-1] if text else None
            for s in candidates:
                char = characters[s - 1]
                p = frame[s]
                if s == space:
                    if not b.partial:  # a space before any word: nothing to add
                        _add(fresh, text, b, label=_logadd(b.blank, b.label) + p)
                        continue
                    words = b.lm + _word_score(lm, b.previous, b.partial, settings)
                    _add(fresh, text + " ", b, label=_logadd(b.blank, b.label) + p, lm=words,
                         previous=b.partial, partial="")
                    continue
                if char == last:
                    _add(fresh, text, b, label=b.label + p)  # the same character held
                    _add(fresh, text + char, b, label=b.blank + p, partial=b.partial + char)
                else:
                    _add(fresh, text + char, b, label=_logadd(b.blank, b.label) + p,
                         partial=b.partial + char)
        beams = dict(sorted(fresh.items(), key=lambda kv: -kv[1].total(lm, settings.lm_weight)
                            )[:settings.beam])
    best_text, best_score = "", NEG_INF
    for text, b in beams.items():
        score = b.total()
        if b.partial:
            score += _word_score(lm, b.previous, b.partial, settings)
        if score > best_score:
            best_text, best_score = text, score
    return " ".join(best_text.split())


def _word_score(lm: BigramLM | None, previous: str, word: str,
                settings: BeamSettings) -> float:
    if lm is None:
        return settings.word_bonus
    return settings.lm_weight * lm.log_prob(previous, word) + settings.word_bonus


def _add(beams: dict[str, _Beam], text: str, source: _Beam, blank: float = NEG_INF,
         label: float = NEG_INF, lm: float | None = None, previous: str | None = None,
         partial: str | None = None) -> None:
    found = beams.get(text)
    if found is None:
        beams[text] = _Beam(blank, label, source.lm if lm is None else lm,
                            source.previous if previous is None else previous,
                            source.partial if partial is None else partial)
        return
    found.blank = _logadd(found.blank, blank)
    found.label = _logadd(found.label, label)

"""Character and word error rates, and the text <-> symbol mapping of CTC training."""

from __future__ import annotations

import numpy as np

from workbench.ml.recognizer.net import CHARACTERS


def encode_text(text: str, characters: str = CHARACTERS) -> list[int]:
    """Symbol ids (1-based; 0 is the CTC blank) of a normalized transcript."""
    return [characters.index(c) + 1 for c in text if c in characters]


def greedy_text(log_probs: np.ndarray, characters: str = CHARACTERS) -> str:
    """Best path: argmax per frame, repeats collapsed, blanks dropped, spaces tidied."""
    best = np.asarray(log_probs).argmax(axis=-1)
    keep = np.concatenate([[True], best[1:] != best[:-1]]) & (best != 0)
    return " ".join("".join(characters[i - 1] for i in best[keep]).split())


def edit_distance(reference: list, hypothesis: list) -> int:
    """Levenshtein distance between two sequences."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i] + [0] * len(hypothesis)
        for j, hyp in enumerate(hypothesis, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (ref != hyp))
        previous = current
    return previous[-1]


def error_rates(references: list[str], hypotheses: list[str]) -> dict[str, float]:
    """Corpus CER and WER (edits over reference length, summed over utterances)."""
    char_edits = char_total = word_edits = word_total = 0
    for ref, hyp in zip(references, hypotheses, strict=True):
        char_edits += edit_distance(list(ref), list(hyp))
        char_total += len(ref)
        word_edits += edit_distance(ref.split(), hyp.split())
        word_total += len(ref.split())
    return {"cer": char_edits / max(1, char_total), "wer": word_edits / max(1, word_total)}

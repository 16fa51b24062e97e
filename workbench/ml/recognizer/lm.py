"""A word bigram language model in ARPA format: reading, scoring, and building from text.

The recognizer's beam decoder (`beam`) scores whole words with it.  Words it does not
list are allowed (they come out spelled from the characters) at the cost of
`oov_log10` per word.  Pure Python: the model is small (a few thousand words).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

START, END = "<s>", "</s>"
LN10 = math.log(10.0)


@dataclass
class BigramLM:
    """log10 probabilities of unigrams and bigrams with unigram backoff weights."""

    unigrams: dict[str, float]
    backoff: dict[str, float]
    bigrams: dict[tuple[str, str], float] = field(default_factory=dict)
    oov_log10: float = -2.0  # an unknown word costs this plus `oov_char_log10` per letter
    oov_char_log10: float = -0.5

    def __contains__(self, word: str) -> bool:
        return word in self.unigrams

    @cached_property
    def prefixes(self) -> frozenset[str]:
        """Every beginning of a listed word (a partial word that may still become one)."""
        return frozenset(w[:i] for w in self.words for i in range(1, len(w) + 1))

    def oov_log_prob(self, word: str) -> float:
        """Natural-log cost of a word the model does not list (grows with its length, so
        joining two unknown words into one saves nothing)."""
        return (self.oov_log10 + self.oov_char_log10 * len(word)) * LN10

    @property
    def words(self) -> frozenset[str]:
        return frozenset(w for w in self.unigrams if w not in (START, END))

    def log_prob(self, previous: str, word: str) -> float:
        """Natural-log P(word | previous); unknown words get `oov_log10`."""
        if word not in self.unigrams:
            return self.oov_log_prob(word)
        pair = self.bigrams.get((previous, word))
        if pair is not None:
            return pair * LN10
        return (self.backoff.get(previous, 0.0) + self.unigrams[word]) * LN10

    def write_arpa(self, path: str | Path) -> None:
        lines = ["\\data\\", f"ngram 1={len(self.unigrams)}", f"ngram 2={len(self.bigrams)}",
                 "", "\\1-grams:"]
        for word, logp in sorted(self.unigrams.items()):
            lines.append(f"{logp:.5f}\t{word}\t{self.backoff.get(word, 0.0):.5f}")
        lines += ["", "\\2-grams:"]
        for (a, b), logp in sorted(self.bigrams.items()):
            lines.append(f"{logp:.5f}\t{a} {b}")
        lines += ["", "\\end\\", ""]
        Path(path).write_text("\n".join(lines), encoding="utf-8")


def read_arpa(path: str | Path) -> BigramLM:
    """A bigram ARPA file (higher orders are refused)."""
    unigrams: dict[str, float] = {}
    backoff: dict[str, float] = {}
    bigrams: dict[tuple[str, str], float] = {}
    section = None
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("ngram ") or line == "\\data\\":
            continue
        if line.startswith("\\"):
            section = line
            if section not in ("\\1-grams:", "\\2-grams:", "\\end\\"):
                raise ValueError(f"{path}: line {number}: only bigram models are supported")
            continue
        parts = line.split()
        if section == "\\1-grams:":
            unigrams[parts[1]] = float(parts[0])
            if len(parts) > 2:
                backoff[parts[1]] = float(parts[2])
        elif section == "\\2-grams:":
            bigrams[(parts[1], parts[2])] = float(parts[0])
    if not unigrams:
        raise ValueError(f"{path}: no unigrams")
    return BigramLM(unigrams, backoff, bigrams)


def build_bigram(sentences: Iterable[str], vocabulary: Iterable[str] = (),
                 discount: float = 0.7, floor_count: float = 0.5) -> BigramLM:
    """Absolute-discounting bigram over ``sentences``; ``vocabulary`` words that never
    occur still get a unigram (count ``floor_count``)."""
    uni: Counter[str] = Counter()
    bi: Counter[tuple[str, str]] = Counter()
    for sentence in sentences:
        words = [START, *sentence.split(), END]
        uni.update(words[1:])
        bi.update(zip(words[:-1], words[1:], strict=False))
    counts = {w: float(c) for w, c in uni.items()}
    for word in vocabulary:
        counts.setdefault(word, floor_count)
    total = sum(counts.values())
    unigrams = {w: math.log10(c / total) for w, c in counts.items()}
    unigrams[START] = -99.0
    history: Counter[str] = Counter()
    followers: Counter[str] = Counter()
    seen: dict[str, float] = {}
    for (a, b), c in bi.items():
        history[a] += c
        followers[a] += 1
        seen[a] = seen.get(a, 0.0) + 10 ** unigrams[b]
    bigrams = {(a, b): math.log10(max(c - discount, 1e-9) / history[a])
               for (a, b), c in bi.items()}
    backoff = {a: math.log10(max(discount * followers[a] / h, 1e-9)
                             / max(1e-9, 1.0 - seen[a])) for a, h in history.items()}
    return BigramLM(unigrams, backoff, bigrams)

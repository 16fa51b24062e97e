"""Random English sentences from grammar templates and the bundled vocabulary.

Templates live in ``resources/text/templates.txt`` (the slot syntax is
described at its top); words come from ``resources/text/vocabulary.txt``.
Sentences are lowercase words separated by single spaces, with no
punctuation and numbers spelled out, so the text a synthesizer is given is
exactly the transcript a recognizer should produce.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from workbench.core.paths import RESOURCES
from workbench.training.synth.arrays import Seed, as_generator
from workbench.training.synth.vocabulary import Vocabulary, VocabularyError, load_vocabulary

TEMPLATES_FILE = RESOURCES / "text" / "templates.txt"
SINGULAR_DETERMINERS = ("the", "the", "the", "a", "this", "that", "my", "your", "his", "her",
                        "our", "their")
PLURAL_DETERMINERS = ("the", "the", "these", "those", "my", "your", "our", "their", "some",
                      "many")
ADJECTIVE_CHANCE = 0.35
_SLOT = re.compile(r"\{([^}]*)\}")
_VERB_FORMS = ("base", "s", "past", "ing", "pp")

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
# "an" goes before a vowel sound, which spelling only approximates.
_AN_EXCEPTIONS = ("hour", "honest", "honor", "heir")
_A_EXCEPTIONS = ("uni", "use", "usu", "one", "once", "eu", "ewe")


def number_to_words(n: int) -> str:
    """Spell out 0 <= n < 1,000,000 the way it is read: 342 -> "three hundred forty two"."""
    if not 0 <= n < 1_000_000:
        raise ValueError(f"can only spell numbers from 0 to 999999, got {n}")
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        rest = "" if n % 100 == 0 else " " + number_to_words(n % 100)
        return f"{_ONES[n // 100]} hundred{rest}"
    rest = "" if n % 1000 == 0 else " " + number_to_words(n % 1000)
    return f"{number_to_words(n // 1000)} thousand{rest}"


def _needs_an(word: str) -> bool:
    if word.startswith(_AN_EXCEPTIONS):
        return True
    return word[0] in "aeiou" and not word.startswith(_A_EXCEPTIONS)


def fix_articles(words: list[str]) -> list[str]:
    """Turn "a" into "an" before a vowel sound ("a apple" -> "an apple")."""
    return [("an" if w == "a" and i + 1 < len(words) and _needs_an(words[i + 1]) else w)
            for i, w in enumerate(words)]


class SentenceGenerator:
    """Fills grammar templates with vocabulary words; seeded and stateless between calls."""

    def __init__(self, vocabulary: Vocabulary | None = None,
                 templates: list[str] | None = None) -> None:
        self.vocabulary = vocabulary or load_vocabulary()
        self.templates = templates if templates is not None else load_templates()
        if not self.templates:
            raise VocabularyError("there are no sentence templates")
        for template in self.templates:
            for slot in _SLOT.findall(template):
                self._check_slot(slot, template)

    def sentence(self, seed: Seed) -> str:
        """One random sentence: lowercase words separated by single spaces."""
        rng = as_generator(seed)
        template = self.templates[int(rng.integers(len(self.templates)))]
        filled = _SLOT.sub(lambda m: self._fill(m.group(1), rng), template)
        return " ".join(fix_articles(filled.split()))

    def words(self) -> frozenset[str]:
        """Every word a generated sentence can contain (the recognizer's closed vocabulary)."""
        literal = {w for t in self.templates for w in _SLOT.sub(" ", t).split()}
        numbers = {w for n in range(1000) for w in number_to_words(n).split()}
        extra = set(SINGULAR_DETERMINERS + PLURAL_DETERMINERS) | {"an", "thousand"}
        return self.vocabulary.all_words() | literal | numbers | extra

    # -- slots ----------------------------------------------------------------
    def _check_slot(self, slot: str, template: str) -> None:
        try:
            self._fill(slot, np.random.default_rng(0))
        except (KeyError, ValueError, IndexError) as exc:
            raise VocabularyError(f"template {template!r}: bad slot {{{slot}}}: {exc}") from exc

    def _fill(self, slot: str, rng: np.random.Generator) -> str:
        words = slot.split()
        if words == ["number"]:
            return number_to_words(int(rng.integers(2, 1000)) if rng.random() < 0.3
                                   else int(rng.integers(2, 30)))
        if words == ["clock"]:
            minutes = ("", " fifteen", " thirty", " forty five", " twenty", " ten")
            return number_to_words(int(rng.integers(1, 13))) + str(rng.choice(minutes))
        if words == ["when"]:
            entries = [e for key, section in self.vocabulary.words.items()
                       if key.startswith("when.") for e in section]
            return entries[int(rng.integers(len(entries)))]
        if len(words) == 2 and words[0] in ("the", "a", "count"):
            return self._noun_phrase(words[0], words[1], rng)
        if len(words) == 1 and words[0].startswith("noun."):
            return self._noun(words[0], rng)
        if len(words) == 1 and words[0].startswith("verb."):
            _, category, form = words[0].split(".")
            verbs = self.vocabulary.verbs[category]
            return verbs[int(rng.integers(len(verbs)))].form(form)
        if len(words) == 1:
            entries = self.vocabulary.words[words[0]]
            return entries[int(rng.integers(len(entries)))]
        raise ValueError(f"unknown slot {{{slot}}}")

    def _pick_noun(self, category: str, plural: bool, rng: np.random.Generator) -> str:
        nouns = self.vocabulary.nouns[category]
        if plural:
            nouns = tuple(n for n in nouns if n.plural)
        noun = nouns[int(rng.integers(len(nouns)))]
        return noun.plural if plural else noun.singular

    def _noun(self, slot: str, rng: np.random.Generator) -> str:
        parts = slot.split(".")
        return self._pick_noun(parts[1], parts[-1] == "pl", rng)

    def _noun_phrase(self, kind: str, slot: str, rng: np.random.Generator) -> str:
        parts = slot.split(".")
        category, plural = parts[1], parts[-1] == "pl" or kind == "count"
        if not parts[0] == "noun":
            raise ValueError(f"{{{kind} ...}} takes a noun section, not {slot!r}")
        if kind == "count":
            det = number_to_words(int(rng.integers(2, 13)) if rng.random() < 0.8
                                  else int(rng.integers(13, 101)))
        elif kind == "a":
            det = "a"
            # Uncountable nouns take no "a"; use a countable noun of the category.
            nouns = [n for n in self.vocabulary.nouns[category] if n.plural]
            noun = nouns[int(rng.integers(len(nouns)))].singular
            return " ".join([det, *self._adjective(rng), noun])
        else:
            choices = PLURAL_DETERMINERS if plural else SINGULAR_DETERMINERS
            det = str(rng.choice(choices))
        noun = self._pick_noun(category, plural, rng)
        if det == "a" and noun not in {n.singular for n in self.vocabulary.nouns[category]
                                       if n.plural}:
            det = "the"  # "a rice" is wrong; "the rice" is fine
        return " ".join([det, *self._adjective(rng), noun])

    def _adjective(self, rng: np.random.Generator) -> list[str]:
        if rng.random() >= ADJECTIVE_CHANCE:
            return []
        adjectives = self.vocabulary.words["adjective"]
        return [adjectives[int(rng.integers(len(adjectives)))]]


def load_templates(path: Path = TEMPLATES_FILE) -> list[str]:
    """Template lines of a templates file (comments and blank lines skipped)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def default_generator() -> SentenceGenerator:
    """The generator over the bundled vocabulary and templates (built once)."""
    return SentenceGenerator()


def random_sentence(seed: Seed) -> str:
    """A random sentence from the bundled vocabulary and templates."""
    return default_generator().sentence(seed)

"""The bundled English vocabulary (``resources/text/vocabulary.txt``) and English inflection.

The file lists words by part of speech and meaning (``[noun.animal]``,
``[verb.alone]``, ``[adjective]``...).  Regular plurals and verb forms are
derived here; irregular ones are written out in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workbench.core.paths import RESOURCES

VOCABULARY_FILE = RESOURCES / "text" / "vocabulary.txt"
_WORD = re.compile(r"^[a-z]+( [a-z]+)*$")
_VOWELS = "aeiou"


class VocabularyError(ValueError):
    """The vocabulary file is malformed (the message names the line)."""


@dataclass(frozen=True)
class Noun:
    """A noun (or noun phrase); ``plural`` is None for uncountable nouns."""

    singular: str
    plural: str | None


@dataclass(frozen=True)
class Verb:
    """A verb's five forms, e.g. ``go goes went going gone``."""

    base: str
    third: str
    past: str
    gerund: str
    participle: str

    def form(self, name: str) -> str:
        """The form called ``base``, ``s``, ``past``, ``ing`` or ``pp``."""
        forms = {"base": self.base, "s": self.third, "past": self.past, "ing": self.gerund,
                 "pp": self.participle}
        if name not in forms:
            raise KeyError(f"unknown verb form {name!r}; use one of {sorted(forms)}")
        return forms[name]


def _ends_in_consonant_y(word: str) -> bool:
    return len(word) > 1 and word.endswith("y") and word[-2] not in _VOWELS


def plural_of(word: str) -> str:
    """Regular English plural (also the third-person -s form of a regular verb)."""
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if _ends_in_consonant_y(word):
        return word[:-1] + "ies"
    return word + "s"


def past_of(word: str) -> str:
    """Regular past tense: ``bake -> baked``, ``carry -> carried``, ``walk -> walked``."""
    if word.endswith("e"):
        return word + "d"
    if _ends_in_consonant_y(word):
        return word[:-1] + "ied"
    return word + "ed"


def gerund_of(word: str) -> str:
    """Regular -ing form: ``make -> making``, ``see -> seeing``, ``walk -> walking``."""
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")) and len(word) > 2:
        return word[:-1] + "ing"
    return word + "ing"


def _inflect_head(phrase: str, rule) -> str:
    # Phrasal verbs inflect their first word ("look after" -> "looked after").
    head, _, rest = phrase.partition(" ")
    return f"{rule(head)} {rest}" if rest else rule(head)


def _inflect_last(phrase: str, rule) -> str:
    # Compound nouns inflect their last word ("police officer" -> "police officers").
    rest, _, last = phrase.rpartition(" ")
    return f"{rest} {rule(last)}" if rest else rule(last)


@dataclass(frozen=True)
class Vocabulary:
    """Words by section: ``nouns["animal"]``, ``verbs["thing"]``, ``words["adjective"]``."""

    nouns: dict[str, tuple[Noun, ...]]
    verbs: dict[str, tuple[Verb, ...]]
    words: dict[str, tuple[str, ...]]

    def all_words(self) -> frozenset[str]:
        """Every single word any entry or form contains."""
        phrases: list[str] = []
        for nouns in self.nouns.values():
            phrases += [n.singular for n in nouns] + [n.plural for n in nouns if n.plural]
        for verbs in self.verbs.values():
            phrases += [f for v in verbs for f in (v.base, v.third, v.past, v.gerund, v.participle)]
        for entries in self.words.values():
            phrases += list(entries)
        return frozenset(word for phrase in phrases for word in phrase.split())

    def entry_count(self) -> int:
        """Number of distinct entries (base words and phrases) over all sections."""
        return sum(len(v) for v in self.nouns.values()) + sum(
            len(v) for v in self.verbs.values()) + sum(len(v) for v in self.words.values())


def _parse_noun(fields: list[str], where: str) -> Noun:
    if len(fields) == 1:
        return Noun(fields[0], _inflect_last(fields[0], plural_of))
    if len(fields) == 2:
        return Noun(fields[0], None if fields[1] == "-" else fields[1])
    raise VocabularyError(f"{where}: a noun line is 'word' or 'word, plural' or 'word, -'")


def _parse_verb(fields: list[str], where: str) -> Verb:
    if len(fields) == 1:
        base = fields[0]
        return Verb(base, _inflect_head(base, plural_of), _inflect_head(base, past_of),
                    _inflect_head(base, gerund_of), _inflect_head(base, past_of))
    if len(fields) == 5:
        return Verb(*fields)
    raise VocabularyError(f"{where}: a verb line is 'word' or all five forms separated by commas")


def _add(section: dict, key: str, entry, where: str) -> None:
    name = entry if isinstance(entry, str) else getattr(entry, "singular", None) or entry.base
    previous = section.setdefault(key, {}).get(name)
    if previous is not None and previous != entry:
        raise VocabularyError(f"{where}: {name!r} is listed twice with different forms")
    section[key][name] = entry


def parse_vocabulary(text: str, source: str = "vocabulary") -> Vocabulary:
    """Parse vocabulary text (format described at the top of ``vocabulary.txt``)."""
    nouns: dict = {}
    verbs: dict = {}
    words: dict = {}
    section = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        where = f"{source} line {number}"
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        if section is None:
            raise VocabularyError(f"{where}: entry before the first [section] header")
        fields = [f.strip() for f in line.split(",")]
        for field in fields:
            if field != "-" and not _WORD.match(field):
                raise VocabularyError(f"{where}: {field!r} is not plain lowercase words")
        kind, _, category = section.partition(".")
        if kind == "noun":
            _add(nouns, category, _parse_noun(fields, where), where)
        elif kind == "verb":
            _add(verbs, category, _parse_verb(fields, where), where)
        elif len(fields) == 1:
            _add(words, section, fields[0], where)
        else:
            raise VocabularyError(f"{where}: section [{section}] takes one word or phrase per line")
    return Vocabulary({k: tuple(v.values()) for k, v in nouns.items()},
                      {k: tuple(v.values()) for k, v in verbs.items()},
                      {k: tuple(v.values()) for k, v in words.items()})


@lru_cache(maxsize=4)
def load_vocabulary(path: Path = VOCABULARY_FILE) -> Vocabulary:
    """Load and cache the vocabulary file (the bundled one by default)."""
    return parse_vocabulary(Path(path).read_text(encoding="utf-8"), Path(path).name)

import re

import numpy as np
import pytest

from workbench.training.synth import text, vocabulary
from workbench.training.synth.vocabulary import VocabularyError


def test_bundled_vocabulary_is_a_few_thousand_plain_words():
    vocab = vocabulary.load_vocabulary()
    assert vocab.entry_count() >= 2000
    assert len(vocab.all_words()) >= 3500
    assert all(re.fullmatch(r"[a-z]+", w) for w in vocab.all_words())
    assert {"person", "animal", "thing", "place", "food", "idea"} <= set(vocab.nouns)
    assert {"thing", "person", "alone"} <= set(vocab.verbs)


def test_sentences_use_only_vocabulary_words_and_plain_letters():
    generator = text.default_generator()
    allowed = generator.words()
    rng = np.random.default_rng(0)
    sentences = [generator.sentence(rng) for _ in range(400)]
    for sentence in sentences:
        assert re.fullmatch(r"[a-z]+( [a-z]+)+", sentence), sentence
        assert set(sentence.split()) <= allowed, sentence
    assert len(set(sentences)) > 390
    lengths = [len(s.split()) for s in sentences]
    assert min(lengths) >= 3 and max(lengths) <= 25


def test_every_template_makes_plain_sentences():
    bundled = text.default_generator()
    assert len(bundled.templates) >= 100
    allowed = bundled.words()
    for template in bundled.templates:
        single = text.SentenceGenerator(bundled.vocabulary, [template])
        for seed in range(3):
            sentence = single.sentence(seed)
            assert re.fullmatch(r"[a-z]+( [a-z]+)+", sentence), (template, sentence)
            assert set(sentence.split()) <= allowed, (template, sentence)


def test_same_seed_same_sentence():
    assert text.random_sentence(42) == text.random_sentence(42)
    assert len({text.random_sentence(s) for s in range(20)}) == 20


@pytest.mark.parametrize(("number", "words"), [
    (0, "zero"), (7, "seven"), (13, "thirteen"), (40, "forty"), (42, "forty two"),
    (100, "one hundred"), (305, "three hundred five"), (1000, "one thousand"),
    (21_019, "twenty one thousand nineteen"), (999_999,
     "nine hundred ninety nine thousand nine hundred ninety nine"),
])
def test_numbers_are_spelled_out(number, words):
    assert text.number_to_words(number) == words


def test_numbers_out_of_range_are_refused():
    with pytest.raises(ValueError):
        text.number_to_words(1_000_000)


@pytest.mark.parametrize(("words", "fixed"), [
    ("a apple", "an apple"), ("a hour", "an hour"), ("a useful tool", "a useful tool"),
    ("a unusual day", "an unusual day"), ("a dog", "a dog"), ("a one", "a one"),
])
def test_articles_follow_the_sound_of_the_next_word(words, fixed):
    assert " ".join(text.fix_articles(words.split())) == fixed


@pytest.mark.parametrize(("rule", "word", "form"), [
    (vocabulary.plural_of, "box", "boxes"), (vocabulary.plural_of, "city", "cities"),
    (vocabulary.plural_of, "day", "days"), (vocabulary.past_of, "bake", "baked"),
    (vocabulary.past_of, "carry", "carried"), (vocabulary.past_of, "play", "played"),
    (vocabulary.gerund_of, "make", "making"), (vocabulary.gerund_of, "see", "seeing"),
    (vocabulary.gerund_of, "tie", "tying"), (vocabulary.gerund_of, "walk", "walking"),
])
def test_regular_inflection(rule, word, form):
    assert rule(word) == form


def test_vocabulary_file_format():
    vocab = vocabulary.parse_vocabulary(
        "[noun.animal]\ncat\nmouse, mice\n[noun.food]\nrice, -\npolice dog\n"
        "[verb.alone]\nlook after\ngo, goes, went, going, gone\n[adjective]\nred\n")
    assert vocab.nouns["animal"] == (vocabulary.Noun("cat", "cats"),
                                     vocabulary.Noun("mouse", "mice"))
    assert vocab.nouns["food"][1].plural == "police dogs" and vocab.nouns["food"][0].plural is None
    assert vocab.verbs["alone"][0].past == "looked after"
    assert vocab.verbs["alone"][1].form("past") == "went"
    assert vocab.words["adjective"] == ("red",)


@pytest.mark.parametrize(("source", "problem"), [
    ("cat\n", "before the first"),
    ("[noun.animal]\nCat\n", "plain lowercase"),
    ("[noun.animal]\ncat2\n", "plain lowercase"),
    ("[verb.alone]\ngo, went\n", "five forms"),
    ("[verb.alone]\ngo\ngo, goes, went, going, gone\n", "listed twice"),
])
def test_malformed_vocabulary_is_reported_with_its_line(source, problem):
    with pytest.raises(VocabularyError, match=problem):
        vocabulary.parse_vocabulary(source, "test")


def test_bad_template_slots_are_rejected_up_front():
    vocab = vocabulary.load_vocabulary()
    with pytest.raises(VocabularyError, match="bad slot"):
        text.SentenceGenerator(vocab, ["the {noun.unicorn} sang"])
    generator = text.SentenceGenerator(vocab, ["i saw {count noun.animal}"])
    sentence = generator.sentence(3)
    count, animal = sentence.split()[2:-1], sentence.split()[-1]
    assert count and animal in {n.plural for n in vocab.nouns["animal"]}

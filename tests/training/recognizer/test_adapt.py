"""Adapting a (tiny, test-made) recognizer to one recording's corrected words: the
utterances cut at pauses, the loss falls, the copy joins the user's zoo with a card and
the base's LM, the base stays as it was, bad names and empty tiers are refused."""

import numpy as np
import pytest
import torch

from tests.tiny_models import make_zoo
from workbench.core.jobs import CancelToken, Partial
from workbench.ml.zoo import ModelZoo, register_model
from workbench.training.recognizer.adapt import (
    AdaptError,
    AdaptStep,
    adapt_recognizer,
    utterances,
)
from workbench.training.synth.speech import ESPEAK, SpeechParams, Voice, synthesize_speech

RATE = 16000


def run(task):
    steps = []
    while True:
        try:
            step = next(task)
        except StopIteration as stop:
            return stop.value, steps
        if isinstance(step, Partial):
            steps.append(step.value)


def test_utterances_split_at_pauses_and_skip_empty_words():
    words = [(0.5, 0.8, "Hello,"), (0.85, 1.2, "world"), (2.0, 2.4, "again"),
             (2.5, 2.6, "--")]
    got = utterances(words, 3.0)
    assert [text for _, _, text in got] == ["hello world", "again"]
    assert [(a, b) for a, b, _ in got] == [pytest.approx((0.35, 1.35)),
                                           pytest.approx((1.85, 2.55))]


@pytest.fixture
def recording():
    torch.set_num_threads(1)
    voice, params = Voice(ESPEAK, "en-us", None), SpeechParams(160, 50, 0)
    pieces, words, at = [np.zeros(RATE // 2, np.float32)], [], 0.5
    for text in ("open the window", "close the door"):
        clip = synthesize_speech(text, RATE, voice, params).audio
        words += [(at, at + len(clip) / RATE, text)]  # one label per phrase is enough here
        pieces += [clip, np.zeros(RATE, np.float32)]
        at += len(clip) / RATE + 1.0
    return np.concatenate(pieces)[:, None], words


def test_adapting_lowers_the_loss_and_adds_a_model_to_the_user_zoo(tmp_path, recording):
    audio, words = recording
    zoo = make_zoo(tmp_path / "zoo", enhancer=False, classifier=False)
    (zoo / "lm.arpa").write_text("\\data\\\n", encoding="utf-8")
    card = zoo / "tiny-recognizer.md"
    card.write_text(card.read_text().replace('"task"', '"lm": "lm.arpa",\n  "task"', 1))
    register_model(zoo, "tiny-recognizer", zoo / "tiny-recognizer.safetensors", card,
                   (zoo / "lm.arpa",))
    base_before = (zoo / "tiny-recognizer.safetensors").read_bytes()
    user = tmp_path / "user-zoo"
    params = {"words": words, "name": "mine", "zoo": zoo, "user_zoo": user,
              "base": "tiny-recognizer", "steps": 25, "learning_rate": 3e-3,
              "tier": "words", "source": "talk.wav"}
    result, steps = run(adapt_recognizer(audio, RATE, params, CancelToken()))
    assert [s.step for s in steps] == list(range(1, 26))
    assert all(isinstance(s, AdaptStep) and s.steps == 25 for s in steps)
    assert np.mean([s.loss for s in steps[-5:]]) < 0.8 * np.mean([s.loss for s in steps[:5]])
    assert result.name == "mine" and result.utterances == 2
    listed = {e.name: e for e in ModelZoo(zoo, user).list_models()}
    assert listed["mine"].usable and listed["mine"].card.task == "speech-recognition"
    assert "talk.wav" in listed["mine"].card.training_data
    assert (result.weights_path.parent / "lm.arpa").is_file()
    assert (zoo / "tiny-recognizer.safetensors").read_bytes() == base_before


def test_bad_names_and_empty_tiers_are_refused(tmp_path, recording):
    audio, _ = recording
    zoo = make_zoo(tmp_path / "zoo", enhancer=False, classifier=False)
    base = {"zoo": zoo, "user_zoo": tmp_path / "u", "base": "tiny-recognizer", "steps": 1}
    with pytest.raises(AdaptError, match="model name"):
        run(adapt_recognizer(audio, RATE, {**base, "words": [], "name": "/etc"},
                             CancelToken()))
    with pytest.raises(AdaptError, match="already has a model named"):
        run(adapt_recognizer(audio, RATE, {**base, "words": [], "name": "tiny-recognizer"},
                             CancelToken()))
    with pytest.raises(AdaptError, match="no words"):
        run(adapt_recognizer(audio, RATE, {**base, "words": [(0.1, 0.2, "?!")],
                                           "name": "x"}, CancelToken()))

"""Adapting the shipped recognizer to a voice it has never heard.

Fine-tuned (the GUI's adapt path, `adapt_recognizer`) on a few synthesized sentences of
flite's awb, a voice held out of all its training, the copy makes fewer word errors on
that voice than the shipped model, decoded as `workbench transcribe` decodes (beam search
with the card's word LM).
"""

import shutil

import numpy as np
import pytest
import torch

from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import CancelToken
from workbench.core.paths import MODELS
from workbench.ml.model_tasks import MODEL_TASKS, run_model_task
from workbench.ml.zoo import ModelZoo
from workbench.training.recognizer.adapt import adapt_recognizer
from workbench.training.recognizer.metrics import error_rates
from workbench.training.synth.held_out_voices import HELD_OUT_FLITE
from workbench.training.synth.speech import (
    FLITE,
    SpeechParams,
    Voice,
    installed_voices,
    synthesize_speech,
)
from workbench.training.synth.text import random_sentence

RATE = 16000
VOICE = Voice(FLITE, HELD_OUT_FLITE[0])
PARAMS = SpeechParams(165, 50, 0)
ADAPT_SEEDS = range(1000, 1020)  # sentence seeds: 20 sentences, 52 s of speech
TEST_SEEDS = range(2000, 2008)  # 8 other sentences (56 words) it never adapts on
# Fewer sentences overfit: on 12 sentences x 20 steps one adapt seed of three made the
# unseen sentences worse (0.63 -> 0.68), and 6 sentences x 40 steps did too (0.72 -> 0.88).
STEPS, LEARNING_RATE = 30, 3e-4


def _voice_missing() -> str | None:
    if shutil.which(FLITE) is None:
        return "flite is not installed (apt-get install flite)"
    if VOICE.name not in installed_voices(FLITE):
        return f"this flite has no voice {VOICE.name!r}"
    return None


pytestmark = [
    pytest.mark.skipif(not (MODELS / "recognizer" / "recognizer.safetensors").exists(),
                       reason="no shipped recognizer"),
    pytest.mark.skipif(_voice_missing() is not None, reason=str(_voice_missing())),
]


@pytest.fixture
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def finished(task):
    while True:
        try:
            next(task)
        except StopIteration as stop:
            return stop.value


def transcribe(audio: np.ndarray, zoo: ModelZoo, model: str) -> str:
    pad = np.zeros(int(0.3 * RATE), np.float32)
    audio = np.concatenate([pad, audio, pad])[:, None]
    return finished(run_model_task(MODEL_TASKS["transcribe"], BlockSequence.from_array(audio),
                                   RATE, CancelToken(), zoo=zoo, model=model,
                                   device="cpu")).text


def wer(texts: list[str], clips: dict[str, np.ndarray], zoo: ModelZoo, model: str) -> float:
    return error_rates(texts, [transcribe(clips[t], zoo, model) for t in texts])["wer"]


def recording(texts: list[str], clips: dict[str, np.ndarray]):
    """The sentences one after another with a second of silence between: the audio and
    its corrected word tier (one label per sentence, which `utterances` keeps whole)."""
    pieces, words, at = [np.zeros(RATE // 2, np.float32)], [], 0.5
    for text in texts:
        seconds = len(clips[text]) / RATE
        words.append((at, at + seconds, text))
        pieces += [clips[text], np.zeros(RATE, np.float32)]
        at += seconds + 1.0
    return np.concatenate(pieces)[:, None], words


def test_fine_tuning_on_a_few_sentences_of_a_new_voice_lowers_its_wer(tmp_path, one_thread):
    adapt_texts = [random_sentence(seed) for seed in ADAPT_SEEDS]
    test_texts = [random_sentence(seed) for seed in TEST_SEEDS]
    assert not set(adapt_texts) & set(test_texts)
    clips = {t: synthesize_speech(t, RATE, VOICE, PARAMS).audio
             for t in adapt_texts + test_texts}
    shipped = ModelZoo(MODELS)
    before_unseen = wer(test_texts, clips, shipped, "recognizer")
    before_adapted = wer(adapt_texts, clips, shipped, "recognizer")

    audio, words = recording(adapt_texts, clips)
    params = {"words": words, "name": "awb", "zoo": MODELS, "user_zoo": tmp_path,
              "steps": STEPS, "learning_rate": LEARNING_RATE, "seed": 0}
    finished(adapt_recognizer(audio, RATE, params, CancelToken()))
    adapted = ModelZoo(MODELS, tmp_path)
    after_unseen = wer(test_texts, clips, adapted, "awb")
    after_adapted = wer(adapt_texts, clips, adapted, "awb")

    # Measured with this recipe (2026-12-06, one thread; 25 s of CPU for the whole test),
    # before -> after WER on the adapted | unseen sentences.  These sentences, adapt seeds
    # 0/1/2: 0.75 -> 0.28/0.29/0.30 | 0.64 -> 0.57/0.59/0.57 (seed 0, used here, gives the
    # same numbers on every run).  Other sentences (seeds +500, +1000), adapt seed 0:
    # 0.75 -> 0.22 | 0.73 -> 0.60 and 0.68 -> 0.36 | 0.86 -> 0.81.  The adapted sentences
    # fall by 0.32-0.52; the unseen ones fall every time but only by 3-8 of their ~56
    # words, so that margin is two words (0.035).
    assert after_adapted <= before_adapted - 0.25, (before_adapted, after_adapted)
    assert after_unseen <= before_unseen - 0.035, (before_unseen, after_unseen)

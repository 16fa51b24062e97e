"""The shipped recognizer (models/recognizer) on speech of voices it has never heard."""

import numpy as np
import pytest
import torch

from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import CancelToken
from workbench.core.paths import MODELS
from workbench.ml.model_tasks import MODEL_TASKS, run_model_task
from workbench.ml.recognizer.align import align_words
from workbench.ml.recognizer.net import CHARACTERS, build_recognizer
from workbench.ml.zoo import ModelZoo
from workbench.training.recognizer.metrics import error_rates
from workbench.training.synth.speech import ESPEAK, FLITE, SpeechParams, Voice, synthesize_speech

RATE = 16000
pytestmark = pytest.mark.skipif(not (MODELS / "recognizer" / "recognizer.safetensors").exists(),
                                reason="no shipped recognizer")


def transcribe(audio: np.ndarray, rate: int = RATE):
    gen = run_model_task(MODEL_TASKS["transcribe"], BlockSequence.from_array(audio[:, None]),
                         rate, CancelToken(), zoo=ModelZoo(MODELS), model="recognizer",
                         device="cpu")
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


def padded(audio: np.ndarray, seconds: float = 0.3) -> np.ndarray:
    pad = np.zeros(int(seconds * RATE), np.float32)
    return np.concatenate([pad, audio, pad]).astype(np.float32)


@pytest.mark.xfail(reason="the shipped model is undertrained (480 CPU minutes): held-out "
                          "clean WER 0.54 in `workbench eval recognizer`, see its card",
                   strict=False)
@pytest.mark.parametrize("voice", [Voice(ESPEAK, "en-029", "f4"), Voice(FLITE, "awb")])
def test_a_held_out_voice_is_transcribed_with_wer_at_most_20_percent(voice):
    text = "please bring the yellow lamp back to the kitchen before dinner"
    clip = synthesize_speech(text, RATE, voice, SpeechParams(165, 50, 0))
    result = transcribe(padded(clip.audio))
    assert error_rates([text], [result.text])["wer"] <= 0.2, result.text
    assert all(0.0 <= w.confidence <= 1.0 and w.start < w.end for w in result.words)


def test_forced_alignment_puts_words_within_100_ms_of_where_they_were_spoken():
    voice, params = Voice(ESPEAK, "en-gb-x-gbcwmd", None), SpeechParams(150, 50, 0)
    words = ["garden", "window", "yellow", "morning"]
    pieces, spans, at = [np.zeros(int(0.5 * RATE), np.float32)], [], 0.5
    for word in words:
        clip = synthesize_speech(word, RATE, voice, params).audio
        loud = np.flatnonzero(np.abs(clip) > 0.05 * np.abs(clip).max())
        spans.append((at + loud[0] / RATE, at + (loud[-1] + 1) / RATE))
        gap = np.zeros(int(0.5 * RATE), np.float32)
        pieces += [clip, gap]
        at += (len(clip) + len(gap)) / RATE
    zoo = ModelZoo(MODELS)
    net = build_recognizer(zoo.entry("recognizer").card)
    zoo.load_weights_into("recognizer", net)
    with torch.no_grad():
        grams = net.eval()(torch.from_numpy(np.concatenate(pieces))[None])[0].numpy()
    aligned = align_words(grams, " ".join(words), CHARACTERS, net.seconds_per_frame)
    assert [w.word for w in aligned] == words
    for word, (start, end) in zip(aligned, spans, strict=True):
        assert abs(word.start - start) <= 0.1 and abs(word.end - end) <= 0.1, (word, start, end)

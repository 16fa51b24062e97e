"""The shipped enhancer (models/enhancer) on speech it has never heard."""

import numpy as np
import pytest
import torch

from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import CancelToken
from workbench.core.paths import MODELS
from workbench.ml.model_tasks import MODEL_TASKS, run_model_task
from workbench.ml.zoo import ModelZoo
from workbench.training.enhancer.losses import si_sdr
from workbench.training.synth import noise
from workbench.training.synth.mix import mix_at_snr
from workbench.training.synth.speech import ESPEAK, SpeechParams, Voice, synthesize_speech


def _si_sdr(estimate, clean) -> float:
    return float(si_sdr(torch.from_numpy(estimate)[None], torch.from_numpy(clean)[None]))


def _enhance(audio: np.ndarray, rate: int) -> np.ndarray:
    gen = run_model_task(MODEL_TASKS["enhance"], BlockSequence.from_array(audio), rate,
                         CancelToken(), zoo=ModelZoo(MODELS), model="enhancer", device="cpu")
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value.samples.read()


@pytest.fixture(scope="module")
def sentence():
    """A held-out voice (en-029, variant f4) speaking a sentence, 16 kHz, -26 dBFS RMS."""
    clip = synthesize_speech("please bring the yellow lamp back to the kitchen before dinner",
                             16000, Voice(ESPEAK, "en-029", "f4"), SpeechParams(160, 45, 0))
    audio = np.concatenate([np.zeros(4000, np.float32), clip.audio, np.zeros(4000, np.float32)])
    return (audio * 0.05 / np.sqrt(np.mean(audio ** 2))).astype(np.float32)


@pytest.mark.parametrize("make", [noise.pink_noise, noise.fan_noise])
def test_a_noisy_sentence_gains_at_least_6_db(sentence, make):
    noisy = mix_at_snr(sentence, make(11, 16000, len(sentence) / 16000), 0.0)
    enhanced = _enhance(noisy[:, None], 16000)[:, 0]
    assert _si_sdr(enhanced, sentence) - _si_sdr(noisy, sentence) >= 6.0


def test_clean_speech_passes_nearly_unchanged(sentence):
    assert _si_sdr(_enhance(sentence[:, None], 16000)[:, 0], sentence) >= 15.0

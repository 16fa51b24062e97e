"""Live recognition: blocks at the recording's rate give the same posteriors as the
whole recording converted at once, and the live task yields words as they are heard
and the final transcript when the recording ends."""

import queue

import numpy as np
import pytest
import torch

from tests.task_helpers import drive, partials, resample_whole
from tests.tiny_models import make_zoo
from workbench.core.analysis.results import Transcript
from workbench.core.audio.audio_convert import RateConverter
from workbench.core.jobs import CancelToken
from workbench.core.paths import MODELS
from workbench.ml.device import choose_device
from workbench.ml.model_tasks import MODEL_TASKS, ModelProvider, find_model
from workbench.ml.recognizer.inspection import posteriorgram
from workbench.ml.recognizer.live import LiveRecognizer, live_transcribe
from workbench.ml.recognizer.net import CHARACTERS, CtcRecognizer
from workbench.ml.tasks.live_blocks import queue_reader
from workbench.ml.zoo import ModelZoo
from workbench.training.synth.speech import ESPEAK, SpeechParams, Voice, synthesize_speech


def test_conversion_is_ready_only_where_its_input_has_arrived():
    conv = RateConverter(48000, 16000)
    ready = conv.output_frames_ready(30000)
    assert 9900 < ready < 10000

    def read(a, b):
        assert b <= 30000, "read past the input that has arrived"
        return np.ones((b - a, 1), np.float32)
    conv.convert(read, 0, ready)


@pytest.mark.parametrize("block", [441, 4800])
def test_blocks_give_the_whole_recordings_posteriors(block):
    torch.manual_seed(0)
    net = CtcRecognizer(n_mels=16, conv_channels=4, hidden=8, layers=1, chunk=6,
                        right=3).eval()
    rate = 44100
    signal = (np.random.default_rng(1).standard_normal((rate * 2, 2)) * 0.1
              ).astype(np.float32)
    live = LiveRecognizer(net, CHARACTERS, rate)
    for i in range(0, len(signal), block):
        live.feed(signal[i:i + block])
    rows = live.finish()
    whole = posteriorgram(net, resample_whole(signal.mean(axis=1), rate, 16000), CHARACTERS).log_probs
    assert rows.shape == whole.shape
    # Float rounding only (the stream's own tolerance against whole-file inference).
    np.testing.assert_allclose(rows, whole, atol=1e-4)
    assert live.input_frames == len(signal)


def test_live_task_yields_words_while_fed_and_returns_the_final_transcript(tmp_path):
    zoo = ModelZoo(make_zoo(tmp_path / "zoo", enhancer=False, classifier=False))
    spec = MODEL_TASKS["transcribe"]
    provider = ModelProvider.from_zoo(zoo, find_model(zoo, spec), spec,
                                      choose_device("cpu", None), None)
    blocks = queue.SimpleQueue()
    rng = np.random.default_rng(2)
    for _ in range(20):
        blocks.put((rng.standard_normal((1600, 1)) * 0.3).astype(np.float32))
    blocks.put(None)
    task = live_transcribe(queue_reader(blocks), 16000, {"decoder": "greedy"}, CancelToken(), provider)
    items, final = drive(task)
    so_far = partials(items)
    assert isinstance(final, Transcript) and final.model == "tiny-recognizer"
    assert final.span == (0.0, 2.0)
    assert all(0.0 <= w.start < w.end <= 2.0 for w in final.words)
    # Random weights still emit characters: words appear before the end.
    assert so_far and all(isinstance(p, Transcript) for p in so_far)
    assert not so_far[0].words  # "loaded, listening"
    assert so_far[-1].words


@pytest.mark.skipif(not (MODELS / "recognizer" / "recognizer.safetensors").exists(),
                    reason="no shipped recognizer")
def test_a_word_shows_within_a_second_of_audio_after_it_ends():
    """Audio time (how much had been fed when the word first showed, past its end), so
    machine load cannot change it: the stream's chunk, look-ahead and margins bound it."""
    zoo = ModelZoo(MODELS)
    spec = MODEL_TASKS["transcribe"]
    provider = ModelProvider.from_zoo(zoo, find_model(zoo, spec, "recognizer"), spec,
                                      choose_device("cpu", None), None)
    rate, block = 48000, 1600  # the recorder's 33 ms drains
    clip = synthesize_speech("please record a short take of my voice now", rate,
                             Voice(ESPEAK, "en-us", None), SpeechParams(160, 50, 0)).audio
    signal = np.concatenate([np.zeros(rate // 2), clip, np.zeros(rate)]).astype(np.float32)
    live, latencies = LiveRecognizer(provider.model(), CHARACTERS, rate), []
    for i in range(0, len(signal), block):
        before = len(live.words)
        live.feed(signal[i:i + block, None])
        latencies += [live.input_frames / rate - w.end for w in live.words[before:]]
    print("latencies (s):", [round(x, 2) for x in latencies])
    assert len(latencies) >= 5
    assert max(latencies) <= 1.0, latencies

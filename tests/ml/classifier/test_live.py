"""Live classification: blocks of a recording, fed as they arrive, give the windows the
classify task gives for the finished recording, and the live task yields the windows
heard so far while the recording goes on."""

import queue

import numpy as np
import pytest
import torch

from tests.classifier_zoo import make_classifier_zoo
from tests.task_helpers import drive, partials
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import CancelToken, run_to_completion
from workbench.ml.classifier.live import LiveClassifier, live_classify
from workbench.ml.classifier.net import AudioClassifier, ClassifierConfig
from workbench.ml.device import choose_device
from workbench.ml.model_tasks import MODEL_TASKS, ModelProvider, find_model, run_model_task
from workbench.ml.tasks.live_blocks import queue_reader
from workbench.ml.zoo import ModelZoo

RATE = 16000


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(5)
    return AudioClassifier(ClassifierConfig()).eval()


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    return ModelZoo(make_classifier_zoo(tmp_path_factory.mktemp("zoo")))


@pytest.fixture(scope="module")
def zoo_model(zoo):
    return zoo.load_weights_into("classifier", AudioClassifier(ClassifierConfig())).eval()


def tone_then_noise(seconds, rate, channels=1):
    t = np.arange(int(seconds * rate)) / rate
    half = len(t) // 2
    mono = np.where(np.arange(len(t)) < half, 0.3 * np.sin(2 * np.pi * 440 * t),
                    np.random.default_rng(0).standard_normal(len(t)) * 0.2)
    return np.repeat(mono[:, None], channels, axis=1).astype(np.float32)


def whole_file(zoo, signal, rate):
    return run_to_completion(lambda c: run_model_task(
        MODEL_TASKS["classify"], BlockSequence.from_array(signal), rate, c, zoo=zoo,
        device="cpu", params={"chunk_windows": 7}))


def live_run(live, signal, block):
    for i in range(0, len(signal), block):
        live.feed(signal[i:i + block])
    return live.finish()


@pytest.mark.parametrize(("seconds", "block"), [(5.3, 1601), (3.1, 160), (0.4, 333),
                                                (0.0, 100)])
def test_live_windows_equal_the_whole_file_windows_at_the_model_rate(zoo, zoo_model, seconds,
                                                                   block):
    signal = tone_then_noise(seconds, RATE, channels=2)
    live = live_run(LiveClassifier(zoo_model, RATE), signal, block)
    whole = whole_file(zoo, signal, RATE)
    np.testing.assert_array_equal(live.window_starts, whole.window_starts)
    np.testing.assert_allclose(live.probabilities, whole.probabilities, atol=1e-5)
    assert [(s.label, s.start, s.end) for s in live.segments] == \
        [(s.label, s.start, s.end) for s in whole.segments]
    assert live.span == whole.span


def test_at_another_rate_the_windows_lie_where_the_whole_files_do(zoo, zoo_model):
    rate = 44100
    signal = tone_then_noise(4.0, rate)
    live = live_run(LiveClassifier(zoo_model, rate), signal, 4410)
    whole = whole_file(zoo, signal, rate)
    np.testing.assert_array_equal(live.window_starts, whole.window_starts)
    assert live.span == pytest.approx(whole.span)
    # Two resamplers (a streamed sinc here, torchaudio in chunks there): close, not equal.
    np.testing.assert_allclose(live.probabilities, whole.probabilities, atol=0.02)


def test_each_window_is_classified_once_its_last_sample_is_in(model):
    config = model.config
    live = LiveClassifier(model, RATE)
    signal = tone_then_noise(3.0, RATE)[:, 0]
    assert live.feed(signal[:config.window_samples - 1]) == 0
    assert live.feed(signal[config.window_samples - 1:config.window_samples]) == 1
    assert live.feed(signal[config.window_samples:config.window_samples
                            + 3 * config.hop_samples]) == 3
    so_far = live.so_far()
    assert len(so_far.probabilities) == 4 and so_far.segments
    assert so_far.segments[-1].end <= so_far.span[1] + 1e-9


def test_the_live_task_yields_windows_while_recording_and_the_take_at_the_end(zoo):
    provider = ModelProvider.from_zoo(zoo, find_model(zoo, MODEL_TASKS["classify"]),
                                      MODEL_TASKS["classify"], choose_device("cpu", "cpu"))
    blocks = queue.SimpleQueue()
    signal = tone_then_noise(3.0, RATE)
    for i in range(0, len(signal), 4000):
        blocks.put(signal[i:i + 4000])
    blocks.put(None)

    items, final = drive(live_classify(queue_reader(blocks), RATE, {}, CancelToken(), provider))
    so_far = partials(items)
    assert len(so_far[0].probabilities) == 0  # loaded, nothing heard yet
    assert len(so_far[-1].probabilities) >= 1
    whole = whole_file(zoo, signal, RATE)
    np.testing.assert_allclose(final.probabilities, whole.probabilities, atol=1e-5)
    assert final.model == "classifier"

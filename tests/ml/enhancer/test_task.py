"""The enhance task: chunked equals whole file, rate/length/channels kept, strength limit."""

import numpy as np
import pytest

from tests.tiny_models import make_zoo
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import CancelToken
from workbench.ml.enhancer.task import min_gain
from workbench.ml.model_tasks import MODEL_TASKS, run_model_task
from workbench.ml.zoo import ModelZoo


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    return ModelZoo(make_zoo(tmp_path_factory.mktemp("zoo"), recognizer=False,
                             classifier=False))


def enhance(zoo, audio, rate, **params):
    gen = run_model_task(MODEL_TASKS["enhance"], BlockSequence.from_array(audio), rate,
                         CancelToken(), zoo=zoo, params=params)
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value.samples.read()


@pytest.mark.parametrize(("rate", "channels", "frames"), [
    (44100, 2, 44100 + 777), (16000, 1, 20011), (22050, 3, 9000), (8000, 1, 5)])
def test_chunked_equals_whole_file_with_rate_length_and_channels_kept(zoo, rate, channels,
                                                                      frames):
    audio = (np.random.default_rng(rate).standard_normal((frames, channels)) * 0.2
             ).astype(np.float32)
    whole = enhance(zoo, audio, rate, chunk_s=60.0)
    chunked = enhance(zoo, audio, rate, chunk_s=0.13)
    assert whole.shape == chunked.shape == (frames, channels)
    assert np.max(np.abs(whole - chunked)) < 1e-5  # no seam anywhere
    assert np.isfinite(whole).all() and not np.allclose(whole, audio)


def test_every_channel_is_enhanced_on_its_own(zoo):
    rng = np.random.default_rng(2)
    left = rng.standard_normal(16000).astype(np.float32) * 0.2
    pair = enhance(zoo, np.stack([left, np.zeros_like(left)], 1), 16000)
    alone = enhance(zoo, left[:, None], 16000)
    assert np.allclose(pair[:, 0], alone[:, 0], atol=1e-6) and not pair[:, 1].any()


def test_attenuation_limit_floors_the_gain():
    assert min_gain({}) == 0.0 and min_gain({"attenuation_limit_db": float("inf")}) == 0.0
    assert min_gain({"attenuation_limit_db": 20}) == pytest.approx(0.1)


def test_wet_mixes_the_enhanced_audio_with_the_original(zoo):
    audio = (np.random.default_rng(5).standard_normal((30000, 2)) * 0.2).astype(np.float32)
    enhanced = enhance(zoo, audio, 44100, chunk_s=0.2)
    assert np.allclose(enhance(zoo, audio, 44100, chunk_s=0.2, wet=0.0), audio, atol=1e-7)
    half = enhance(zoo, audio, 44100, chunk_s=0.3, wet=0.5)
    assert np.allclose(half, 0.5 * audio + 0.5 * enhanced, atol=1e-5)

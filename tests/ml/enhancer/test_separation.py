"""torchaudio's Conv-TasNet entry as an enhancer: runs by its name through the enhance task
once its checkpoint is in torch's hub cache; rate, length and channels kept; strength."""

import numpy as np
import pytest
import torch

from tests.tiny_pretrained import install_tiny_conv_tasnet
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import CancelToken, run_to_completion
from workbench.ml.enhancer import separation
from workbench.ml.errors import PretrainedNotDownloadedError
from workbench.ml.model_tasks import MODEL_TASKS, run_model_task
from workbench.ml.resample import resample_array
from workbench.ml.zoo import ModelZoo

NAME = "CONVTASNET_BASE_LIBRI2MIX"


def enhance(tmp_path, audio, rate, **params):
    def task(cancel):
        return run_model_task(MODEL_TASKS["enhance"], BlockSequence.from_array(audio), rate,
                              cancel, zoo=ModelZoo(tmp_path / "empty-zoo"), model=NAME,
                              params=params)
    return run_to_completion(task, CancelToken())


def mixture(frames, channels, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(frames) / 16000
    tone = 0.4 * np.sin(2 * np.pi * 300 * t)[:, None]
    return (tone + 0.05 * rng.standard_normal((frames, channels))).astype(np.float32)


def test_without_its_checkpoint_the_entry_says_it_is_not_downloaded(tmp_path):
    with pytest.raises(PretrainedNotDownloadedError):
        enhance(tmp_path, mixture(1600, 1), 16000)


@pytest.mark.parametrize(("rate", "channels", "frames"), [(16000, 2, 16000 * 3 + 51),
                                                          (44100, 1, 30000)])
def test_the_loudest_source_comes_back_at_the_inputs_rate_length_and_channels(
        tmp_path, monkeypatch, rate, channels, frames):
    _, net = install_tiny_conv_tasnet()
    monkeypatch.setattr(separation, "CHUNK_S", 1.0)  # several chunks with context
    audio = mixture(frames, channels)
    result = enhance(tmp_path, audio, rate)
    out = result.samples.read()
    assert result.model == NAME and result.sample_rate == rate
    assert out.shape == (frames, channels) and np.isfinite(out).all()
    # The first chunk (1 s plus 1 s of context after it) is the separator's loudest source.
    a = resample_array(audio[:2 * rate], rate, 8000)
    with torch.inference_mode():
        speech = separation.loudest_source(net, a)
    expected = resample_array(speech, 8000, rate)[:rate // 2]
    np.testing.assert_allclose(out[:rate // 2], expected[:rate // 2], atol=1e-4)


def test_wet_and_attenuation_limit_mix_back_the_input(tmp_path):
    install_tiny_conv_tasnet()
    audio = mixture(8000, 1)
    full = enhance(tmp_path, audio, 16000).samples.read()
    dry = enhance(tmp_path, audio, 16000, wet=0.0).samples.read()
    limited = enhance(tmp_path, audio, 16000, attenuation_limit_db=20).samples.read()
    np.testing.assert_allclose(dry, audio, atol=1e-6)
    np.testing.assert_allclose(limited, full + 0.1 * (audio - full), atol=1e-5)

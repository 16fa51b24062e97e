"""SQUIM quality scores: the real architecture loaded from a checkpoint installed where a
download goes, at the checkpoint's own sizes; scores over windows of a span."""

import numpy as np
import pytest
import torch

from tests.tiny_pretrained import install_tiny_conv_tasnet, install_tiny_squim
from workbench.ml.enhancer.squim import (
    MAX_WINDOWS,
    SQUIM_RATE,
    WINDOW_S,
    score_windows,
    squim_scores,
)
from workbench.ml.errors import ModelLoadError
from workbench.ml.zoo.pretrained import load_pretrained, pretrained_info


def speech_like(seconds, rate, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    voice = np.sin(2 * np.pi * 150 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))
    return (0.3 * voice + 0.05 * rng.standard_normal(len(t))).astype(np.float32)


def test_a_small_installed_squim_loads_at_its_own_sizes_and_scores():
    path, made = install_tiny_squim()
    assert pretrained_info("SQUIM_OBJECTIVE").cached and path.is_file()
    model = load_pretrained("SQUIM_OBJECTIVE")
    assert all(torch.equal(model.state_dict()[k], v) for k, v in made.state_dict().items())
    x = speech_like(1.5, SQUIM_RATE)
    scores = squim_scores(model, x, SQUIM_RATE)
    with torch.inference_mode():
        stoi, pesq, si_sdr = (float(t) for t in made(torch.from_numpy(x)[None]))
    assert scores.stoi == pytest.approx(stoi, abs=1e-5)
    assert scores.pesq == pytest.approx(pesq, abs=1e-4)
    assert scores.si_sdr_db == pytest.approx(si_sdr, abs=1e-3)
    assert scores.seconds == pytest.approx(1.5)
    # Another rate and two channels: mixed to mono and resampled to 16 kHz first.
    stereo = np.stack([speech_like(1.5, 48000), speech_like(1.5, 48000)], axis=1)
    assert squim_scores(model, stereo, 48000).seconds == pytest.approx(1.5)
    assert squim_scores(model, x[:4000], SQUIM_RATE) is None  # a quarter second


def test_long_spans_are_scored_in_a_few_evenly_spread_windows():
    window = int(WINDOW_S * SQUIM_RATE)
    assert score_windows(window - 1, SQUIM_RATE) == [(0, window - 1)]
    spread = score_windows(600 * SQUIM_RATE, SQUIM_RATE)  # ten minutes
    assert len(spread) == MAX_WINDOWS and spread[0][0] == 0
    assert spread[-1][1] == 600 * SQUIM_RATE
    assert all(b - a == window for a, b in spread)


def test_a_checkpoint_of_another_architecture_is_refused_naming_the_file():
    path, _ = install_tiny_conv_tasnet()
    target = pretrained_info("SQUIM_OBJECTIVE").cache_path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(path.read_bytes())
    with pytest.raises(ModelLoadError) as caught:
        load_pretrained("SQUIM_OBJECTIVE")
    assert caught.value.path == target and "not a SQUIM_OBJECTIVE checkpoint" in str(caught.value)


def test_a_small_conv_tasnet_loads_at_its_own_sizes():
    _, made = install_tiny_conv_tasnet()
    model = load_pretrained("CONVTASNET_BASE_LIBRI2MIX")
    assert all(torch.equal(model.state_dict()[k], v) for k, v in made.state_dict().items())
    x = torch.randn(1, 1, 800)
    with torch.inference_mode():
        assert torch.equal(model(x), made(x))

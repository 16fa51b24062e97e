"""The causal mask enhancer: exact length, identity at unit gain, chunked equals whole."""

import numpy as np
import pytest
import torch

from workbench.ml.enhancer.net import EnhancerStream, MaskEnhancer


@pytest.fixture(params=[(512, 256), (128, 32)], ids=["shipped-frames", "tiny-frames"])
def net(request):
    torch.manual_seed(0)
    n_fft, hop = request.param
    return MaskEnhancer(n_fft, hop, hidden=16, layers=2).eval()


@torch.inference_mode()
def test_unit_gain_gives_back_the_input_sample_for_sample(net):
    net.mask.bias.fill_(40.0)  # sigmoid -> 1: every bin passes
    x = torch.randn(2, 9001)
    assert torch.allclose(net(x), x, atol=1e-5)


@torch.inference_mode()
@pytest.mark.parametrize("frames", [0, 1, 7, 300, 4097])
def test_output_has_the_input_length(net, frames):
    assert net(torch.randn(3, frames)).shape == (3, frames)


@torch.inference_mode()
def test_chunks_of_any_size_give_the_whole_signal_result(net):
    x = torch.randn(2, 12000)
    whole = net(x)
    rng = np.random.default_rng(3)
    stream, parts, at = EnhancerStream(net, 2), [], 0
    while at < x.shape[1]:
        size = int(rng.integers(1, 4000))
        parts.append(stream.push(x[:, at:at + size]))
        at += size
    parts.append(stream.flush())
    chunked = torch.cat(parts, -1)
    assert chunked.shape == whole.shape
    assert torch.max(torch.abs(chunked - whole)) < 1e-5


@torch.inference_mode()
def test_output_is_causal_within_one_window(net):
    x = torch.randn(1, 8000)
    y = x.clone()
    y[:, 5000:] = torch.randn(1, 3000)
    changed = torch.nonzero(torch.abs(net(x) - net(y))[0] > 1e-6)[0, 0]
    assert changed >= 5000 - net.n_fft


@torch.inference_mode()
def test_loudness_does_not_change_the_gains(net):
    x = torch.randn(1, 16000) * 0.1
    assert torch.allclose(net(x * 0.01) * 100, net(x), atol=1e-4)


@torch.inference_mode()
def test_min_gain_limits_the_attenuation(net):
    net.mask.bias.fill_(-40.0)  # sigmoid -> 0: everything removed...
    x = torch.randn(1, 16000)
    assert torch.max(torch.abs(net(x))) < 1e-4
    assert torch.allclose(net(x, min_gain=0.5), 0.5 * x, atol=1e-4)  # ...unless limited

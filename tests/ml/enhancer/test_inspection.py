"""Looking inside the mask enhancer: the mask shown is the one applied, in chunks as whole,
and its frames sit where the audio they saw is on the timeline."""

import numpy as np
import pytest
import torch

from workbench.ml.enhancer import inspection
from workbench.ml.enhancer.inspection import enhancer_insight
from workbench.ml.enhancer.net import MaskEnhancer

RATE = 16000


@pytest.fixture(scope="module")
def net():
    torch.manual_seed(0)
    return MaskEnhancer(n_fft=128, hop=32, hidden=12, layers=2).eval()


def noise(seconds, seed=0):
    return (np.random.default_rng(seed).standard_normal(int(seconds * RATE)) * 0.1
            ).astype(np.float32)


@torch.inference_mode()
def test_the_mask_shown_is_the_mask_the_enhancer_applied(net):
    x = noise(0.5)
    insight = enhancer_insight(net, x, RATE, start_s=3.0, model="tiny")
    # Rebuild the output from the insight's mask: it is the enhancer's own output.
    padded = torch.cat([torch.zeros(net.n_fft - net.hop), torch.from_numpy(x),
                        torch.zeros(net.n_fft)])[None]
    mask = torch.from_numpy(insight.mask.astype(np.float32))[None]
    rebuilt = net.overlap_add(net.synthesize(net.spectra(padded) * mask))
    rebuilt = rebuilt[0, net.n_fft - net.hop:][:len(x)].numpy()
    expected = net(torch.from_numpy(x)[None])[0].numpy()
    np.testing.assert_allclose(rebuilt, expected, atol=2e-3)  # mask stored as float16
    assert insight.mask.shape[1] == net.n_fft // 2 + 1
    assert insight.hidden.shape == (insight.frames, 12)
    assert np.all(np.abs(insight.hidden) <= 1.0)  # GRU states are tanh-bounded
    assert insight.model == "tiny" and insight.seconds_per_frame == pytest.approx(32 / RATE)


def test_chunked_frames_equal_one_pass(net, monkeypatch):
    x = noise(0.4, seed=1)
    whole = enhancer_insight(net, x, RATE)
    monkeypatch.setattr(inspection, "CHUNK_FRAMES", 7)
    parts = enhancer_insight(net, x, RATE)
    np.testing.assert_array_equal(parts.mask, whole.mask)
    np.testing.assert_array_equal(parts.hidden, whole.hidden)


def test_a_burst_first_changes_the_frame_whose_window_reaches_it(net):
    quiet = np.full(RATE, 1e-4, np.float32)
    burst_at = 0.6
    loud = quiet.copy()
    loud[int(burst_at * RATE):] += noise(1.0 - burst_at, seed=2)
    a = enhancer_insight(net, quiet, RATE, start_s=10.0)
    b = enhancer_insight(net, loud, RATE, start_s=10.0)
    first = int(np.argmax(np.any(a.hidden != b.hidden, axis=1)))
    column_left = a.start + first * a.seconds_per_frame
    # That frame's window ends just past the burst: its column lies half a window before.
    expected = 10.0 + burst_at - net.n_fft / 2 / RATE
    assert abs(column_left + a.seconds_per_frame / 2 - expected) <= net.hop / RATE
    assert a.frame_at(10.0 + burst_at) > first  # the burst's own time is later on the image

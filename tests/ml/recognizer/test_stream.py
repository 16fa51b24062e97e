"""Streaming and whole-file recognition give the same posteriors.

Tolerance 1e-4 in log probability: both paths compute exactly the same windows (the
latency-controlled GRU restarts its backward pass at every window, the front end only
reads its receptive field), so only float summation order differs.
"""

import numpy as np
import pytest
import torch

from workbench.ml.recognizer.net import CHARACTERS, CtcRecognizer
from workbench.ml.recognizer.stream import RecognizerStream

RATE = 16000


@pytest.fixture(scope="module")
def net():
    torch.manual_seed(0)
    model = CtcRecognizer(n_mels=16, conv_channels=4, hidden=16, layers=2, chunk=6, right=3)
    with torch.no_grad():  # non-trivial normalization, as a trained model has
        model.features.mean.uniform_(-8, -2)
        model.features.std.uniform_(1, 3)
    return model.eval()


def audio(seconds, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(int(seconds * RATE)) * 0.1).astype(np.float32)


def whole(net, x):
    with torch.no_grad():
        return net(torch.from_numpy(x)[None])[0].numpy()


def streamed(net, x, block):
    stream = RecognizerStream(net)
    rows = [stream.feed(x[i:i + block]) for i in range(0, len(x), block)]
    return np.concatenate(rows + [stream.finish()])


@pytest.mark.parametrize("seconds", [0.3, 1.0, 2.77])
@pytest.mark.parametrize("block", [160, 1111, 8000, 100000])
def test_streaming_equals_whole_file(net, seconds, block):
    x = audio(seconds)
    expected = whole(net, x)
    got = streamed(net, x, block)
    assert got.shape == expected.shape == (net.output_frames(len(x)), len(CHARACTERS) + 1)
    np.testing.assert_allclose(got, expected, atol=1e-4)


def test_rows_come_out_once_the_lookahead_has_arrived(net):
    stream = RecognizerStream(net)
    chunk_samples = int(net.chunk * net.seconds_per_frame * RATE)
    lookahead = int(net.lookahead_s * RATE) + net.features.n_fft // 2 + 2 * 4 * net.features.hop
    x = audio(3.0)
    assert len(stream.feed(x[:chunk_samples])) == 0  # no look-ahead yet
    rows = stream.feed(x[chunk_samples:chunk_samples + lookahead])
    assert len(rows) == net.chunk  # the first chunk, no later than its look-ahead allows


def test_outputs_do_not_depend_on_audio_past_the_lookahead(net):
    x = audio(2.0)
    changed = x.copy()
    cut = int(1.2 * RATE)
    changed[cut:] = audio(0.8, seed=5)
    a, b = whole(net, x), whole(net, changed)
    frames_unaffected = int((cut / RATE - net.lookahead_s - 0.02) / net.seconds_per_frame)
    settled = frames_unaffected // net.chunk * net.chunk  # whole chunks before the change
    np.testing.assert_allclose(a[:settled], b[:settled], atol=1e-5)
    assert not np.allclose(a[settled + net.chunk:], b[settled + net.chunk:], atol=1e-3)

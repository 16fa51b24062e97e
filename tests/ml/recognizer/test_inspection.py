"""The recognizer's posteriorgram for inspection: the rows decoding sees, the best path,
and the top symbols at a time."""

import numpy as np
import pytest
import torch

from workbench.core.analysis.posteriorgram import BLANK_NAME, SPACE_NAME, Posteriorgram
from workbench.ml.recognizer.inspection import posteriorgram, recurrent_states
from workbench.ml.recognizer.net import CHARACTERS, CtcRecognizer

RATE = 16000


@pytest.fixture(scope="module")
def net():
    torch.manual_seed(0)
    return CtcRecognizer(n_mels=16, conv_channels=4, hidden=8, layers=1, chunk=6,
                         right=3).eval()


def test_rows_are_the_whole_file_log_posteriors_with_their_best_path(net):
    x = (np.random.default_rng(0).standard_normal(RATE) * 0.1).astype(np.float32)
    gram = posteriorgram(net, x, CHARACTERS, start_s=2.0, model="tiny")
    with torch.no_grad():
        whole = net(torch.from_numpy(x)[None])[0].numpy()
    assert gram.log_probs.shape == whole.shape == (net.output_frames(RATE), 1 + len(CHARACTERS))
    np.testing.assert_allclose(gram.log_probs, whole, atol=1e-4)
    np.testing.assert_array_equal(gram.best_path(), np.argmax(whole, axis=1))
    np.testing.assert_allclose(np.exp(gram.log_probs).sum(axis=1), 1.0, atol=1e-4)
    assert gram.seconds_per_frame == pytest.approx(0.04)
    assert gram.frame_at(2.0) == 0 and gram.frame_at(1.99) is None


def test_top_symbols_name_blank_and_space_and_sort_by_probability():
    probs = np.full((2, 4), 0.1)
    probs[0] = [0.6, 0.1, 0.25, 0.05]  # blank, space, a, b
    probs[1] = [0.05, 0.7, 0.05, 0.2]
    gram = Posteriorgram(np.log(probs), " ab", 0.04, start=1.0)
    top = gram.top_symbols(0, 2)
    assert [name for name, _ in top] == [BLANK_NAME, "a"]
    assert top[0][1] == pytest.approx(0.6)
    assert gram.symbol_names == (BLANK_NAME, SPACE_NAME, "a", "b")
    assert gram.frame_at(1.05) == 1
    np.testing.assert_array_equal(gram.best_path(), [0, 1])


def test_recurrent_states_are_each_layers_outputs_frame_for_frame_with_the_posteriorgram():
    torch.manual_seed(1)
    net = CtcRecognizer(n_mels=16, conv_channels=4, hidden=8, layers=2, chunk=6,
                        right=3).eval()
    x = (np.random.default_rng(1).standard_normal(RATE) * 0.1).astype(np.float32)
    states = recurrent_states(net, x, start_s=1.0, model="tiny")
    gram = posteriorgram(net, x, CHARACTERS)
    assert states.states.shape == (2, 2, gram.frames, 8)
    assert (states.layers, states.frames, states.units) == (2, gram.frames, 8)
    # The last layer's outputs are what the classifier reads: they give the posteriors.
    last = np.concatenate([states.image(1, 0), states.image(1, 1)], axis=1)
    with torch.no_grad():
        logits = net.classify(torch.from_numpy(last))
    np.testing.assert_allclose(torch.log_softmax(logits, -1).numpy(), gram.log_probs,
                               atol=2e-2)  # float16 storage of the states
    assert np.abs(states.states).max() <= 1.0 and np.abs(states.states).max() > 0.05
    assert not np.array_equal(states.image(0, 0), states.image(0, 1))
    times, values = states.activation(1, 1, 3)
    assert times[0] == pytest.approx(1.02) and len(times) == gram.frames
    np.testing.assert_array_equal(values, states.image(1, 1)[:, 3])
    assert states.frame_at(1.0) == 0 and states.frame_at(0.99) is None

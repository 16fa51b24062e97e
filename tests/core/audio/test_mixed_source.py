"""A mix computed on read: equals the stored mix for any block read, holds no samples."""

import numpy as np
import pytest

from workbench.core.audio.blocks import BlockSequence
from workbench.core.audio.mixed_source import mixed_sequence, stored


def seq(frames, channels, seed):
    data = np.random.default_rng(seed).standard_normal((frames, channels)).astype(np.float32)
    parts = [BlockSequence.from_array(data[i:i + 700]) for i in range(0, frames, 700)]
    out = parts[0]
    for p in parts[1:]:
        out = out.concat(p)
    return out, data


def test_any_read_equals_the_mix_of_the_two_inputs():
    (x, xd), (y, yd) = seq(5000, 3, 0), seq(5000, 3, 1)
    mix = mixed_sequence(x, y, 0.3, -0.7)
    expected = (np.float32(0.3) * xd + np.float32(-0.7) * yd)
    assert mix.frames == 5000 and mix.channels == 3
    for a, b in [(0, 5000), (650, 1450), (4990, 6000)]:
        np.testing.assert_allclose(mix.read(a, b), expected[a:b], atol=1e-6)
    only_middle = mixed_sequence(x, y, 1.0, 1.0, slice(1, 2))
    np.testing.assert_allclose(only_middle.read(), (xd + yd)[:, 1:2], atol=1e-6)
    assert mix.blocks[0].source.data.strides == (0, 0)  # no samples stored behind it
    np.testing.assert_allclose(stored(mix, 999).read(), expected, atol=1e-6)
    assert stored(mix).blocks[0].source.data.strides != (0, 0)


def test_inputs_of_different_shapes_are_refused():
    with pytest.raises(ValueError, match="same shape"):
        mixed_sequence(seq(10, 1, 0)[0], seq(11, 1, 0)[0], 1.0, 1.0)

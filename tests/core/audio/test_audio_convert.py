"""Device conversions: sample formats, channel mixing, random-access resampling."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.core.audio.audio_convert import (
    RateConverter,
    SampleFormat,
    decode,
    encode,
    mix_channels,
)


@pytest.mark.parametrize("fmt", list(SampleFormat))
def test_encode_then_decode_is_close_and_clips_at_full_scale(fmt):
    x = np.array([[0.0, 0.5], [-0.5, 0.25], [1.5, -1.5]], np.float32)
    raw = encode(x, fmt).tobytes()
    y = decode(raw, fmt, 2)
    tolerance = {SampleFormat.UINT8: 1 / 128, SampleFormat.INT16: 1 / 32768}.get(fmt, 1e-6)
    np.testing.assert_allclose(y[:2], x[:2], atol=tolerance)
    if fmt is SampleFormat.FLOAT32:
        np.testing.assert_array_equal(y[2], x[2])
    else:
        assert np.all(np.abs(y[2]) <= 1.0) and np.all(np.abs(y[2]) > 0.99)


def test_channel_mixing():
    mono = np.array([[0.5], [-0.5]], np.float32)
    np.testing.assert_array_equal(mix_channels(mono, 2), [[0.5, 0.5], [-0.5, -0.5]])
    stereo = np.array([[1.0, 0.0]], np.float32)
    np.testing.assert_array_equal(mix_channels(stereo, 1), [[0.5]])
    np.testing.assert_array_equal(mix_channels(stereo, 4), [[1.0, 0.0, 1.0, 0.0]])
    six = np.arange(6, dtype=np.float32)[None, :]
    np.testing.assert_array_equal(mix_channels(six, 2), [[2.0, 3.0]])


def reader(x):
    def read(start, stop):
        out = np.zeros((stop - start, x.shape[1]), np.float32)
        lo, hi = max(start, 0), min(stop, len(x))
        if hi > lo:
            out[lo - start:hi - start] = x[lo:hi]
        return out
    return read


@pytest.mark.parametrize("in_rate,out_rate", [(44100, 48000), (48000, 44100), (8000, 48000),
                                              (96000, 22050)])
def test_resampled_tone_keeps_its_frequency_and_level(in_rate, out_rate):
    t = np.arange(in_rate) / in_rate
    x = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)[:, None]
    rc = RateConverter(in_rate, out_rate)
    n = rc.output_frames_for(len(x))
    y = rc.convert(reader(x), 0, n)[:, 0]
    expected = 0.5 * np.sin(2 * np.pi * 1000 * np.arange(n) / out_rate)
    middle = slice(n // 4, 3 * n // 4)
    assert np.max(np.abs(y[middle] - expected[middle])) < 1e-3


def test_downsampling_removes_what_the_new_rate_cannot_hold():
    rate = 48000
    x = (0.5 * np.sin(2 * np.pi * 15000 * np.arange(rate) / rate)).astype(np.float32)[:, None]
    y = RateConverter(rate, 16000).convert(reader(x), 0, 16000)
    assert np.max(np.abs(y[2000:-2000])) < 0.01  # 15 kHz would alias to 1 kHz at 16 kHz


@settings(max_examples=25, deadline=None)
@given(start=st.integers(0, 5000), length=st.integers(1, 3000))
def test_any_chunk_equals_the_same_frames_of_one_long_conversion(start, length):
    x = np.random.default_rng(0).standard_normal((9000, 2)).astype(np.float32)
    rc = RateConverter(44100, 48000)
    whole = rc.convert(reader(x), 0, 9000)
    np.testing.assert_allclose(rc.convert(reader(x), start, start + length),
                               whole[start:start + length], atol=1e-6)


def test_identity_conversion_passes_frames_through():
    x = np.arange(10, dtype=np.float32)[:, None]
    np.testing.assert_array_equal(RateConverter(8000, 8000).convert(reader(x), 2, 5), x[2:5])

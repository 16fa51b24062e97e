import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.training.synth import mix
from workbench.training.synth.noise import pink_noise, white_noise
from workbench.training.synth.tones import tone

SR = 16000


@settings(max_examples=40, deadline=None)
@given(snr=st.floats(-20, 40), seed=st.integers(0, 2**16), noise_s=st.floats(0.1, 2.0))
def test_mixture_has_the_requested_snr(snr, seed, noise_s):
    signal = 0.3 * tone("sawtooth", 220.0, 1.0, SR)
    noise = white_noise(seed, SR, noise_s)
    mixture = mix.mix_at_snr(signal, noise, snr)
    assert mixture.shape == signal.shape and mixture.dtype == np.float32
    assert mix.snr_db(signal, mixture - signal) == pytest.approx(snr, abs=0.1)


def test_mixing_keeps_the_signal_level_and_loops_short_noise():
    signal = 0.2 * tone("sine", 300.0, 1.0, SR)
    short = pink_noise(1, SR, 0.25)
    mixture = mix.mix_at_snr(signal, short, 0.0)
    added = mixture - signal
    quarter = len(short)
    assert np.allclose(added[:quarter], added[quarter: 2 * quarter], atol=1e-6)
    scaled = mix.scale_noise_to_snr(signal, short, 10.0)
    assert mix.snr_db(signal, scaled) == pytest.approx(10.0, abs=1e-6)


def test_mixing_stereo_signals():
    signal = np.stack([0.2 * tone("sine", 300.0, 0.5, SR), 0.1 * tone("sine", 500.0, 0.5, SR)], 1)
    noise = np.random.default_rng(0).standard_normal((SR, 2))
    mixture = mix.mix_at_snr(signal, noise, 5.0)
    assert mixture.shape == signal.shape
    assert mix.snr_db(signal, mixture - signal) == pytest.approx(5.0, abs=0.1)


def test_silent_inputs_cannot_set_an_snr():
    with pytest.raises(ValueError, match="signal is silent"):
        mix.mix_at_snr(np.zeros(100), np.ones(100), 0.0)
    with pytest.raises(ValueError, match="noise is silent"):
        mix.mix_at_snr(np.ones(100), np.zeros(100), 0.0)


def test_fit_peak_scales_all_arrays_together_and_never_up():
    loud, quiet = np.array([2.0, -1.0]), np.array([0.5, 0.5])
    a, b = mix.fit_peak(loud, quiet, peak=1.0)
    assert np.max(np.abs(a)) == pytest.approx(1.0) and b == pytest.approx([0.25, 0.25])
    (same,) = mix.fit_peak(quiet)
    assert same == pytest.approx(quiet)


def test_overlay_adds_in_place_and_cuts_at_the_end():
    base = np.zeros(10)
    mix.overlay(base, np.ones(4), 8, gain=0.5)
    assert base.tolist() == [0] * 8 + [0.5, 0.5]


def test_to_stereo_pans_with_constant_power_and_delays_the_far_side():
    mono = np.zeros(100, dtype=np.float32)
    mono[10] = 1.0
    centre = mix.to_stereo(mono, SR)
    assert centre[10] == pytest.approx([np.sqrt(0.5)] * 2)
    left = mix.to_stereo(mono, SR, pan=-0.5, delay_s=3 / SR)
    assert np.sum(left[:, 0] ** 2) > np.sum(left[:, 1] ** 2)
    assert np.sum(left ** 2) == pytest.approx(1.0)
    assert np.argmax(np.abs(left[:, 1])) == 13 and np.argmax(np.abs(left[:, 0])) == 10

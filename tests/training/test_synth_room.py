import numpy as np
import pytest

from tests.training.measure import level_db, peak_frequency
from workbench.training.synth import filters, room

SR = 16000


@pytest.mark.parametrize("rt60", [0.1, 0.3, 0.8, 2.0])
@pytest.mark.parametrize("seed", [1, 2])
def test_impulse_response_decays_with_the_requested_rt60(rt60, seed):
    ir = room.reverb_ir(seed, SR, rt60)
    assert room.measure_rt60(ir, SR) == pytest.approx(rt60, rel=0.08)


def test_impulse_response_has_direct_path_then_early_reflections():
    ir = room.reverb_ir(2, SR, 0.4, early_reflections=6, direct_to_reverb_db=10.0)
    assert ir[0] == pytest.approx(1.0)
    tail_only = room.reverb_ir(2, SR, 0.4, early_reflections=0, direct_to_reverb_db=10.0)
    assert np.sum(tail_only[1:] ** 2) == pytest.approx(0.1, rel=1e-4)  # 10 dB below direct
    assert np.max(np.abs(tail_only[1: int(0.010 * SR)])) == 0.0  # the tail starts at 10 ms
    reflections = ir - tail_only
    where = np.flatnonzero(reflections) / SR
    assert 1 <= len(where) <= 6
    assert where.min() >= 0.003 and where.max() <= 0.040
    assert np.abs(reflections).max() > 0.1
    assert np.array_equal(ir, room.reverb_ir(2, SR, 0.4, early_reflections=6,
                                             direct_to_reverb_db=10.0))


def test_reverb_lengthens_a_click_by_the_tail_and_keeps_length_by_default():
    click = np.zeros(SR, dtype=np.float32)
    click[100] = 0.5
    ir = room.reverb_ir(3, SR, 0.3)
    assert room.apply_reverb(click, ir).shape == click.shape
    tail = room.apply_reverb(click, ir, keep_tail=True)
    assert len(tail) == len(click) + len(ir) - 1
    assert np.allclose(tail[100: 100 + len(ir)], 0.5 * ir, atol=1e-6)
    assert np.array_equal(room.apply_reverb(click, ir, wet=0.0), click)


def test_convolution_with_a_unit_impulse_is_identity_for_stereo():
    stereo = np.random.default_rng(0).uniform(-0.5, 0.5, (500, 2))
    assert np.allclose(room.convolve(stereo, np.array([1.0])), stereo)


def test_gain_changes_level_by_decibels():
    audio = 0.1 * np.sin(np.linspace(0, 200, 4000))
    assert level_db(room.apply_gain(audio, 6.0)) - level_db(audio) == pytest.approx(6.0, abs=1e-3)


def _gain_at(chain, frequency):
    t = np.arange(SR) / SR
    sine = 0.25 * np.sin(2 * np.pi * frequency * t)
    out = filters.apply_filters(sine, chain)
    return level_db(out[SR // 4:]) - level_db(sine[SR // 4:])


@pytest.mark.parametrize(("biquad", "frequency", "gain"), [
    (filters.peaking(SR, 1000, 6.0, 2.0), 1000, 6.0),
    (filters.peaking(SR, 1000, 6.0, 2.0), 6000, 0.0),
    (filters.low_shelf(SR, 200, -9.0), 40, -9.0),
    (filters.low_shelf(SR, 200, -9.0), 4000, 0.0),
    (filters.high_shelf(SR, 3000, 4.0), 7500, 4.0),
    (filters.high_shelf(SR, 3000, 4.0), 100, 0.0),
    (filters.lowpass(SR, 1000), 1000, -3.01),
    (filters.highpass(SR, 1000), 1000, -3.01),
    # Bilinear Butterworth: |H|^2 = 1 / (1 + (tan(pi f / fs) / tan(pi fc / fs))^4)
    (filters.lowpass(SR, 500), 4000,
     -10 * np.log10(1 + (np.tan(np.pi * 4000 / SR) / np.tan(np.pi * 500 / SR)) ** 4)),
    (filters.bandpass(SR, 2000, 2.0), 2000, 0.0),
])
def test_biquads_have_their_designed_gain(biquad, frequency, gain):
    assert _gain_at([biquad], frequency) == pytest.approx(gain, abs=0.3)
    assert biquad.response_db(np.array([frequency]), SR)[0] == pytest.approx(gain, abs=0.3)


def test_filters_reject_frequencies_beyond_nyquist():
    with pytest.raises(ValueError, match="Hz"):
        filters.peaking(SR, 9000, 3.0)


def test_random_eq_colours_but_keeps_pitch_and_is_reproducible():
    chain = room.random_eq(4, SR)
    assert chain == room.random_eq(4, SR)
    assert len(chain) >= 3
    t = np.arange(SR) / SR
    tone = 0.1 * np.sin(2 * np.pi * 440 * t)
    coloured = room.apply_eq(tone, chain)
    assert peak_frequency(coloured, SR) == pytest.approx(440, rel=0.002)
    response = chain[0].response_db(np.geomspace(20, 7900, 50), SR)
    for biquad in chain[1:]:
        response = response + biquad.response_db(np.geomspace(20, 7900, 50), SR)
    assert np.ptp(response) > 1.0

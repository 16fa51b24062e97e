"""Noise textures and room tone (synth.ambience): every texture renders, repeatably, as named."""

import numpy as np
import pytest

from tests.training.measure import slope_db_per_octave
from workbench.training.synth.ambience import colours, room_tone
from workbench.training.synth.ambience.textures import NOISE_TEXTURES, ROOM_TONES, render_texture

SR = 16000


@pytest.mark.parametrize("name", list(NOISE_TEXTURES) + list(ROOM_TONES))
def test_every_texture_renders_at_unit_level_and_repeats_for_a_seed(name):
    n = SR // 2
    first = render_texture(name, np.random.default_rng(4), SR, n)
    assert first.shape == (n,) and np.all(np.isfinite(first))
    assert np.sqrt(np.mean(first ** 2)) == pytest.approx(1.0, rel=1e-6)
    assert np.array_equal(first, render_texture(name, np.random.default_rng(4), SR, n))
    assert not np.array_equal(first, render_texture(name, np.random.default_rng(5), SR, n))


def test_an_unknown_texture_is_named_in_the_error():
    with pytest.raises(ValueError, match="drizzle"):
        render_texture("drizzle", np.random.default_rng(0), SR, 100)


@pytest.mark.parametrize(("exponent", "slope"), [(-2.0, 6.0), (0.0, 0.0), (2.0, -6.0)])
def test_noise_colours_have_their_slope(exponent, slope):
    audio = colours.sloped_noise(8 * SR, SR, np.random.default_rng(1), exponent)
    assert slope_db_per_octave(audio, SR, 100, 6000) == pytest.approx(slope, abs=0.4)


@pytest.mark.parametrize("mains", [50.0, 60.0])
def test_room_hum_sits_on_the_mains_frequency_and_its_harmonics(mains):
    hum = room_tone.hum(np.random.default_rng(2), SR, 4 * SR, mains_hz=mains)
    spectrum = np.abs(np.fft.rfft(hum)) ** 2
    freqs = np.fft.rfftfreq(len(hum), 1 / SR)
    on_harmonics = sum(spectrum[np.abs(freqs - k * mains) < 1.0].sum() for k in range(1, 12))
    assert on_harmonics > 0.99 * spectrum.sum()
    assert freqs[np.argmax(spectrum)] == pytest.approx(mains, abs=0.5)

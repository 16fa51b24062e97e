"""Noise textures and room tone (synth.ambience): every texture renders, repeatably, as named."""

import numpy as np
import pytest

from tests.training.measure import power_spectrum, slope_db_per_octave
from workbench.training.synth.ambience import colours, room_tone
from workbench.training.synth.ambience.textures import (
    ADDED_NOISE_TEXTURES,
    ADDED_ROOM_TONES,
    NOISE_TEXTURES,
    ROOM_TONES,
    render_texture,
)

SR = 16000
ADDED = list(ADDED_NOISE_TEXTURES) + list(ADDED_ROOM_TONES)


@pytest.mark.parametrize("name", list(NOISE_TEXTURES) + list(ROOM_TONES) + ADDED)
def test_every_texture_renders_at_unit_level_and_repeats_for_a_seed(name):
    n = SR // 2
    first = render_texture(name, np.random.default_rng(4), SR, n)
    assert first.shape == (n,) and np.all(np.isfinite(first))
    assert np.sqrt(np.mean(first ** 2)) == pytest.approx(1.0, rel=1e-6)
    assert np.array_equal(first, render_texture(name, np.random.default_rng(4), SR, n))
    assert not np.array_equal(first, render_texture(name, np.random.default_rng(5), SR, n))


@pytest.mark.parametrize("name", ADDED)
def test_added_textures_render_at_8_khz(name):
    audio = render_texture(name, np.random.default_rng(3), 8000, 8000)
    assert audio.shape == (8000,) and np.all(np.isfinite(audio))


def test_the_evaluated_registries_keep_their_names_and_order():
    # Their order seeds the evaluation recordings: new textures go into the ADDED_ dicts.
    assert list(NOISE_TEXTURES) == ["colour", "band", "wind", "surf", "rain", "traffic", "engine", "hvac",
                                    "fan", "keyboard", "babble", "murmur", "vinyl", "electric", "hum",
                                    "random_texture"]
    assert list(ROOM_TONES) == ["hum_and_hiss", "hiss", "mains_hum", "ventilated"]
    assert not set(ADDED) & (set(NOISE_TEXTURES) | set(ROOM_TONES))


def _energy_kurtosis(audio):
    frames = audio[: len(audio) // 80 * 80].reshape(-1, 80)  # 5 ms frames
    energy = np.mean(frames ** 2, axis=1)
    return np.mean((energy - energy.mean()) ** 4) / energy.var() ** 2


def _share(name, seed, low_hz, high_hz):
    audio = render_texture(name, np.random.default_rng(seed), SR, 2 * SR)
    freqs, power = power_spectrum(audio, SR)
    return power[(freqs >= low_hz) & (freqs < high_hz)].sum() / power.sum()


@pytest.mark.parametrize("seed", range(3))
def test_applause_is_a_patter_of_claps_and_a_shower_is_even(seed):
    applause = render_texture("applause", np.random.default_rng(seed), SR, 2 * SR)
    shower = render_texture("shower", np.random.default_rng(seed), SR, 2 * SR)
    assert _energy_kurtosis(applause) > 12.0
    assert _energy_kurtosis(shower) < 5.0


@pytest.mark.parametrize("seed", range(3))
def test_electronics_whines_on_a_narrow_peak_above_5_khz(seed):
    audio = render_texture("electronics", np.random.default_rng(seed), SR, 2 * SR)
    freqs, power = power_spectrum(audio, SR)
    high = power[freqs > 5000.0]
    assert high.max() > 100.0 * np.median(high)
    assert np.sum(high > 0.1 * high.max()) <= 8  # one or two tones, a few bins each


@pytest.mark.parametrize("seed", range(3))
def test_a_fridge_hums_low_and_insects_sing_high(seed):
    assert _share("fridge", seed, 0.0, 300.0) > 0.85
    assert _share("insects", seed, 3000.0, SR / 2 + 1) > 0.8


def test_an_unknown_texture_is_named_in_the_error():
    # ... and lists every texture, the added ones too.
    with pytest.raises(ValueError, match="'drizzle'.*'applause'.*'fridge'"):
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

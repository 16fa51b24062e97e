import numpy as np
import pytest

from tests.training.measure import (
    band_energy_fraction,
    level_db,
    power_spectrum,
    slope_db_per_octave,
    top_frequencies,
)
from workbench.training.synth import noise

SR = 16000
STATIONARY = [noise.white_noise, noise.pink_noise, noise.brown_noise, noise.mains_hum,
              noise.fan_noise, noise.keyboard_clicks, noise.rain_noise]


@pytest.mark.parametrize(("make", "expected"), [
    (noise.white_noise, 0.0), (noise.pink_noise, -3.0), (noise.brown_noise, -6.0)])
def test_coloured_noise_has_its_spectral_slope(make, expected):
    audio = make(1, SR, 8.0)
    assert slope_db_per_octave(audio, SR, 100, 6000) == pytest.approx(expected, abs=0.3)


@pytest.mark.parametrize("make", STATIONARY)
def test_generators_meet_the_output_contract_and_repeat_for_a_seed(make):
    first = make(5, SR, 1.5)
    assert first.dtype == np.float32 and first.shape == (int(1.5 * SR),)
    assert np.max(np.abs(first)) <= 1.0
    assert np.array_equal(first, make(5, SR, 1.5))
    assert not np.array_equal(first, make(6, SR, 1.5))
    assert np.array_equal(first, make(np.random.default_rng(5), SR, 1.5))


@pytest.mark.parametrize("make", [noise.white_noise, noise.pink_noise, noise.fan_noise,
                                  noise.mains_hum])
def test_steady_noises_sit_at_the_requested_level(make):
    assert level_db(make(2, SR, 2.0, level_db=-26.0)) == pytest.approx(-26.0, abs=0.05)


def test_spiky_noises_are_turned_down_rather_than_clipped():
    clicks = noise.keyboard_clicks(3, SR, 3.0, level_db=-10.0)
    assert np.max(np.abs(clicks)) == pytest.approx(10 ** (-1 / 20), abs=1e-4)
    assert level_db(clicks) < -10.0


@pytest.mark.parametrize("mains", [50.0, 60.0])
def test_mains_hum_has_its_fundamental_and_harmonics(mains):
    hum = noise.mains_hum(4, SR, 4.0, mains_hz=mains, harmonics=5)
    peaks = top_frequencies(hum, SR, 5, min_separation_hz=20)
    assert peaks[0] == pytest.approx(mains, abs=0.5)
    assert sorted(round(p / mains) for p in peaks) == [1, 2, 3, 4, 5]
    assert all(abs(p / mains - round(p / mains)) < 0.02 for p in peaks)


def test_random_mains_frequency_is_fifty_or_sixty_hertz():
    found = {round(top_frequencies(noise.mains_hum(s, SR, 2.0), SR, 1)[0]) for s in range(8)}
    assert found == {50, 60}


def test_fan_noise_is_mostly_low_frequency_rush():
    fan = noise.fan_noise(7, SR, 4.0)
    assert band_energy_fraction(fan, SR, 30, 2000) > 0.9
    assert band_energy_fraction(fan, SR, 4000, SR / 2) < 0.02


def test_keyboard_clicks_are_short_bursts_with_quiet_between():
    clicks = noise.keyboard_clicks(8, SR, 4.0)
    frame = SR // 100  # 10 ms
    levels = np.sqrt(np.mean(clicks[: len(clicks) // frame * frame].reshape(-1, frame) ** 2, axis=1))
    loud = levels > 0.1 * levels.max()
    assert 0.05 < loud.mean() < 0.5  # mostly quiet, but keys are pressed often
    assert np.median(levels) < 0.05 * levels.max()
    onsets = np.count_nonzero(loud[1:] & ~loud[:-1])
    assert 10 <= onsets <= 60  # 2.5 to 15 key presses per second


def test_rain_is_a_dense_bright_crackle():
    rain = noise.rain_noise(9, SR, 4.0)
    assert band_energy_fraction(rain, SR, 1000, SR / 2) > 0.8
    frame = SR // 20  # 50 ms: every frame has drops in it
    levels = np.sqrt(np.mean(rain[: len(rain) // frame * frame].reshape(-1, frame) ** 2, axis=1))
    assert levels.min() > 0.2 * np.median(levels)
    kurtosis = np.mean(rain.astype(np.float64) ** 4) / np.mean(rain.astype(np.float64) ** 2) ** 2
    assert kurtosis > 4.0  # crackly: heavier-tailed than Gaussian noise (3.0)


def test_babble_is_several_voices_in_the_speech_band():
    babble = noise.babble_noise(10, SR, 3.0, talkers=4)
    assert np.array_equal(babble, noise.babble_noise(10, SR, 3.0, talkers=4))
    assert band_energy_fraction(babble, SR, 100, 4000) > 0.8
    frame = SR // 10
    levels = np.sqrt(np.mean(babble[: len(babble) // frame * frame].reshape(-1, frame) ** 2, axis=1))
    assert levels.min() > 0.05 * levels.max()  # voices overlap: no long pauses


def test_random_noise_names_the_kind_it_made():
    kinds = {noise.random_noise(s, SR, 0.5, kinds=("white", "brown", "hum"))[0] for s in range(12)}
    assert kinds == {"white", "brown", "hum"}
    kind, audio = noise.random_noise(3, SR, 2.0, kinds=("brown",))
    assert kind == "brown" and slope_db_per_octave(audio, SR, 100, 6000) < -5


def test_pink_noise_power_per_octave_is_equal():
    freqs, power = power_spectrum(noise.pink_noise(11, SR, 8.0), SR)
    octaves = [power[(freqs >= lo) & (freqs < 2 * lo)].sum() for lo in (250, 500, 1000, 2000)]
    assert np.ptp(10 * np.log10(octaves)) < 1.0

"""Training-only randomized generators: a pitched instrument space, a kit space, a noise space.

Each must repeat for a seed, differ between seeds, be audible and be what its
class says: the pitched voice harmonic on its note, the kit's strokes dying
away, the texture broadband noise without a tone in it.
"""

import numpy as np
import pytest

from workbench.training.synth.ambience.textures import render_texture
from workbench.training.synth.orchestra.randomized import (
    partial_ratios,
    random_kit,
    random_pitched,
)

SR = 16000


def harmonic_share(audio: np.ndarray, frequency: float) -> float:
    """Share of the spectrum's energy within 6% of the (possibly stretched) partials."""
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(len(audio)))) ** 2
    freqs = np.fft.rfftfreq(len(audio), 1 / SR)
    ratios = partial_ratios(60, 2e-4)  # the stiffest strings allowed
    near = np.zeros(len(freqs), dtype=bool)
    for k, stretched in enumerate(ratios, start=1):
        low, high = k * frequency * 0.94, stretched * frequency * 1.06
        near |= (freqs >= low) & (freqs <= high)
    return float(spectrum[near].sum() / spectrum.sum())


@pytest.mark.parametrize("seed", range(6))
def test_a_random_instrument_is_harmonic_on_its_note_and_repeats(seed):
    frequency, duration = 220.0, 0.8
    play = random_pitched(np.random.default_rng(seed), SR)
    audio = play(frequency, duration, 0.8)
    assert audio.shape == (int(duration * SR),) and np.all(np.isfinite(audio))
    assert np.sqrt(np.mean(audio ** 2)) > 1e-3
    assert np.array_equal(audio, random_pitched(np.random.default_rng(seed), SR)(frequency, duration, 0.8))
    assert harmonic_share(audio, frequency) > 0.9


def test_random_instruments_differ_in_timbre():
    """Different seeds give different spectra, not one instrument at different levels."""
    def profile(seed):
        audio = random_pitched(np.random.default_rng(seed), SR)(220.0, 0.8, 0.8)
        spectrum = np.abs(np.fft.rfft(audio * np.hanning(len(audio))))
        freqs = np.fft.rfftfreq(len(audio), 1 / SR)
        return np.array([spectrum[np.abs(freqs - k * 220.0) < 8].max() for k in range(1, 9)])
    shapes = [p / p.max() for p in map(profile, range(5))]
    assert min(np.abs(a - b).max() for i, a in enumerate(shapes) for b in shapes[i + 1:]) > 0.1


def test_a_random_kit_refuses_a_role_it_does_not_have():
    # (that it plays every role, the same per seed, and each stroke dies away is tested
    # with the modelled kits in test_synth_orchestra.py)
    hit = random_kit(np.random.default_rng(3), SR)
    with pytest.raises(ValueError, match="cowbell"):
        hit("cowbell", 0.5)


@pytest.mark.parametrize("seed", range(4))
def test_the_random_texture_is_noise_without_a_tone(seed):
    n = 2 * SR
    audio = render_texture("random_texture", np.random.default_rng(seed), SR, n)
    assert audio.shape == (n,) and np.sqrt(np.mean(audio ** 2)) == pytest.approx(1.0, rel=1e-6)
    assert np.array_equal(audio, render_texture("random_texture", np.random.default_rng(seed), SR, n))
    assert peak_over_neighbourhood(audio) < 5.0


def peak_over_neighbourhood(audio: np.ndarray) -> float:
    """Largest 5 Hz band power over the median of the 200 Hz around it (a tone: hundreds)."""
    spectrum = np.abs(np.fft.rfft(audio)) ** 2  # 0.5 Hz bins for 2 s
    bands = spectrum[: len(spectrum) // 10 * 10].reshape(-1, 10).mean(axis=1)
    around = np.median(np.lib.stride_tricks.sliding_window_view(np.pad(bands, 20, mode="edge"), 41),
                       axis=1)
    return float((bands / around)[4:].max())  # above 20 Hz


def test_the_tone_detector_of_these_tests_sees_a_faint_tone_in_noise():
    rng = np.random.default_rng(0)
    noise = rng.standard_normal(2 * SR)
    tone = 0.1 * np.sin(2 * np.pi * 440.0 * np.arange(2 * SR) / SR)
    assert peak_over_neighbourhood(noise) < 5.0 < peak_over_neighbourhood(noise + tone)

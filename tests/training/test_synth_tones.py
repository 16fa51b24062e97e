import numpy as np
import pytest

from tests.training.measure import peak_frequency, power_spectrum, top_frequencies
from workbench.training.synth import tones

SR = 16000


@pytest.mark.parametrize("waveform", tones.WAVEFORMS)
@pytest.mark.parametrize("frequency", [110.0, 440.0, 1234.5])
def test_tone_fundamental_is_the_requested_frequency(waveform, frequency):
    audio = tones.tone(waveform, frequency, 1.0, SR)
    assert audio.dtype == np.float32 and np.max(np.abs(audio)) <= 1.0
    assert peak_frequency(audio, SR) == pytest.approx(frequency, rel=0.002)


def test_square_wave_has_odd_harmonics_only_and_sawtooth_all():
    f0 = 500.0
    for waveform, wanted in (("square", [1, 3, 5, 7]), ("sawtooth", [1, 2, 3, 4])):
        peaks = top_frequencies(tones.tone(waveform, f0, 1.0, SR), SR, 4)
        assert sorted(round(p / f0) for p in peaks) == wanted


def test_band_limited_square_does_not_alias():
    # 3 kHz at 16 kHz: harmonics 3, 9 kHz...; a naive square would fold 9 kHz to 7 kHz.
    freqs, power = power_spectrum(tones.tone("square", 3000.0, 2.0, SR), SR)
    harmonic = np.abs(freqs - 3000.0) < 50
    assert 10 * np.log10(power[~harmonic].max() / power[harmonic].max()) < -60


@pytest.mark.parametrize("key", list(tones.DTMF_FREQUENCIES))
def test_dtmf_key_is_its_row_and_column_frequency_pair(key):
    audio = tones.dtmf(key, SR, tone_s=0.2)
    found = sorted(top_frequencies(audio, SR, 2, min_separation_hz=50))
    assert found == pytest.approx(sorted(tones.DTMF_FREQUENCIES[key]), abs=5)


def test_dtmf_sequence_has_one_tone_per_digit_with_gaps():
    audio = tones.dtmf("159", SR, tone_s=0.1, gap_s=0.05)
    assert len(audio) == int(0.1 * SR) * 3 + int(0.05 * SR) * 2
    second = audio[int(0.15 * SR): int(0.25 * SR)]
    assert sorted(top_frequencies(second, SR, 2, 50)) == pytest.approx([770, 1336], abs=10)
    assert np.max(np.abs(audio[int(0.1 * SR) + 10: int(0.15 * SR) - 10])) == 0.0
    with pytest.raises(ValueError, match="not a DTMF key"):
        tones.dtmf("12X", SR)


@pytest.mark.parametrize("method", ["log", "linear"])
def test_sweep_starts_and_ends_at_the_requested_frequencies(method):
    duration, low, high = 2.0, 200.0, 5000.0
    audio = tones.sweep(low, high, duration, SR, method=method)

    def law(t):  # the frequency the sweep should have at time t
        x = t / duration
        return low * (high / low) ** x if method == "log" else low + (high - low) * x

    window = int(0.04 * SR)
    for start in (int(0.006 * SR), SR - window // 2, len(audio) - window - int(0.006 * SR)):
        centre = (start + window / 2) / SR
        measured = peak_frequency(audio[start: start + window], SR)
        assert measured == pytest.approx(law(centre), rel=0.03, abs=30)


def test_siren_stays_within_its_range_and_sweeps_across_it():
    audio = tones.siren(SR, 3.0, "wail", 600.0, 1400.0, cycle_s=3.0)
    window = int(0.05 * SR)
    seen = [peak_frequency(audio[s: s + window], SR) for s in range(SR // 10, len(audio) - window, window)]
    assert min(seen) > 580 and max(seen) < 1420
    assert max(seen) - min(seen) > 600


def test_beep_has_its_pitch_and_soft_edges():
    audio = tones.beep(SR, 880.0, 0.3, amplitude=0.5)
    assert len(audio) == int(0.3 * SR)
    assert peak_frequency(audio, SR) == pytest.approx(880.0, rel=0.005)
    assert abs(audio[0]) < 1e-3 and abs(audio[-1]) < 1e-3
    assert np.max(np.abs(audio)) == pytest.approx(0.5, abs=0.01)


def test_random_tone_is_reproducible_and_fills_the_duration():
    first = tones.random_tone(3, SR, 1.5)
    assert first.shape == (int(1.5 * SR),) and first.dtype == np.float32
    assert np.array_equal(first, tones.random_tone(3, SR, 1.5))
    assert np.max(np.abs(first)) > 0.1
    assert len({tones.random_tone(s, SR, 0.5).tobytes() for s in range(6)}) == 6

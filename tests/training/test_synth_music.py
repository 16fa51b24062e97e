import math

import numpy as np
import pytest

from tests.training.measure import band_energy_fraction, peak_frequency, top_frequencies
from workbench.training.synth import instruments, music

SR = 22050


@pytest.mark.parametrize("midi", [40, 57, 69, 81, 93, 100])
def test_plucked_string_sounds_at_its_pitch(midi):
    rng = np.random.default_rng(0)
    frequency = instruments.midi_to_hz(midi)
    pluck = instruments.karplus_strong(frequency, 1.0, SR, rng, decay_s=2.0)[SR // 10:]
    # A plucked low string can be loudest in an overtone, so check that every
    # strong partial (within 30 dB of the loudest) lies on the harmonic series.
    peaks = [p for p in top_frequencies(pluck, SR, 6, min_separation_hz=frequency / 2)
             if _level_at(pluck, p) > _level_at(pluck, peak_frequency(pluck, SR)) - 30]
    harmonics = [max(1, round(peak / frequency)) for peak in peaks]
    for peak, harmonic in zip(peaks, harmonics, strict=True):
        assert peak == pytest.approx(harmonic * frequency, rel=0.003)
    assert math.gcd(*harmonics) == 1  # not an octave (or fifth) above the wanted pitch


def _level_at(audio, frequency):
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(len(audio))))
    return 20 * np.log10(spectrum[int(round(frequency * len(audio) / SR))])


@pytest.mark.parametrize("midi", [45, 69, 93])
def test_plucked_string_dies_away_at_its_decay_time(midi):
    pluck = instruments.karplus_strong(instruments.midi_to_hz(midi), 2.0, SR,
                                       np.random.default_rng(1), decay_s=1.0)
    early = np.sqrt(np.mean(pluck[int(0.05 * SR): int(0.15 * SR)] ** 2))
    late = np.sqrt(np.mean(pluck[int(1.05 * SR): int(1.15 * SR)] ** 2))
    assert 20 * np.log10(late / early) == pytest.approx(-60, abs=10)


@pytest.mark.parametrize("timbre", list(instruments.ADDITIVE_TIMBRES))
def test_additive_notes_sound_at_their_pitch(timbre):
    note = instruments.additive_note(timbre, 330.0, 0.8, SR, np.random.default_rng(2))
    assert peak_frequency(note, SR) == pytest.approx(330.0, rel=0.005)


def test_drums_sit_in_their_registers():
    rng = np.random.default_rng(3)
    kick, snare, hat = (instruments.drum_hit(d, SR, rng) for d in instruments.DRUMS)
    assert band_energy_fraction(kick, SR, 20, 200) > 0.8
    assert band_energy_fraction(hat, SR, 5000, SR / 2) > 0.8
    assert band_energy_fraction(snare, SR, 150, 5000) > 0.7
    with pytest.raises(ValueError, match="unknown drum"):
        instruments.drum_hit("cowbell", SR, rng)


@pytest.mark.parametrize("seed", range(6))
def test_composed_notes_are_in_key_and_within_the_piece(seed):
    piece = music.compose_piece(seed, duration_s=4.0)
    assert piece.mode in music.SCALES and 80 <= piece.tempo_bpm <= 140
    assert {n.midi % 12 for n in piece.notes} <= piece.pitch_classes()
    assert {"chords", "melody", "bass"} <= {n.part for n in piece.notes}
    assert all(0 <= n.start_s < 4.0 for n in piece.notes)
    assert all(0 <= h.start_s < 4.0 for h in piece.drums)


def test_keys_tempi_and_instruments_vary_between_seeds():
    pieces = [music.compose_piece(s) for s in range(12)]
    assert len({(p.tonic_midi, p.mode) for p in pieces}) >= 6
    assert len({p.tempo_bpm for p in pieces}) >= 6
    assert len({n.instrument for p in pieces for n in p.notes if n.part == "melody"}) >= 3
    assert music.compose_piece(0, drums=True).drums and not music.compose_piece(0, drums=False).drums


def test_random_music_is_reproducible_audible_and_in_range():
    first = music.random_music(4, SR, 3.0)
    assert first.dtype == np.float32 and first.shape == (3 * SR,)
    assert np.max(np.abs(first)) <= 1.0
    assert np.array_equal(first, music.random_music(4, SR, 3.0))
    assert not np.array_equal(first, music.random_music(5, SR, 3.0))
    rms_db = 20 * np.log10(np.sqrt(np.mean(first.astype(np.float64) ** 2)))
    assert rms_db == pytest.approx(-20.0, abs=1.5)  # the fade-out lowers it a little


def test_rendered_piece_plays_its_bass_notes():
    piece = music.compose_piece(7, duration_s=4.0, drums=False)
    audio = music.render_piece(piece, SR, seed=0)
    first_bass = min((n for n in piece.notes if n.part == "bass"), key=lambda n: n.start_s)
    lows = np.abs(np.fft.rfft(audio[: SR] * np.hanning(SR)))
    freqs = np.fft.rfftfreq(SR, 1 / SR)
    band = (freqs > 30) & (freqs < 150)
    strongest_low = freqs[band][np.argmax(lows[band])]
    assert strongest_low == pytest.approx(instruments.midi_to_hz(first_bass.midi), rel=0.02)

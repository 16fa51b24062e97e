"""Spectrogram tiles: where tones land, how loud they look, what is read."""

import numpy as np
import pytest

from workbench.core.analysis.spectrogram import (
    SpectrogramSettings,
    compute_tile,
    frequency_to_row,
    row_to_frequency,
)
from workbench.core.audio.blocks import BlockSequence
from workbench.core.audio.sample_source import SampleSource
from workbench.core.jobs import Cancelled, CancelToken

RATE = 48000
BIN_HZ = RATE / 2048  # bin spacing of the default window


def sine(frequency, seconds=1.0, amplitude=1.0, rate=RATE):
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def middle_column(samples, settings, rate=RATE, hop=512):
    sequence = BlockSequence.from_array(samples)
    tile = compute_tile(sequence, rate, settings, hop, 0, 64)
    return tile[45]  # 0.48 s: with one second of audio no frame touches either end


@pytest.mark.parametrize("scale", ["linear", "log", "mel"])
@pytest.mark.parametrize("bin_index", [13, 43, 213, 700])  # 305 Hz, 1008 Hz, 5 kHz, 16 kHz
def test_a_tone_is_brightest_in_the_row_of_its_frequency(scale, bin_index):
    frequency = bin_index * BIN_HZ
    settings = SpectrogramSettings(scale=scale)
    column = middle_column(sine(frequency), settings)
    expected_row = int(frequency_to_row(frequency, settings, RATE))
    assert abs(int(np.argmax(column)) - expected_row) <= 1


@pytest.mark.parametrize("window", ["hann", "hamming", "blackman", "rectangular"])
def test_a_full_scale_sine_reads_zero_dbfs(window):
    settings = SpectrogramSettings(window=window, scale="linear", db_range=90.0)
    column = middle_column(sine(43 * BIN_HZ), settings)
    db = column.max() / 255 * 90.0 - 90.0
    assert db == pytest.approx(0.0, abs=1.0)


def test_a_quieter_sine_is_darker_by_its_level_in_db():
    settings = SpectrogramSettings(scale="linear", db_range=90.0)
    column = middle_column(sine(43 * BIN_HZ, amplitude=10 ** (-30 / 20)), settings)
    db = column.max() / 255 * 90.0 - 90.0
    assert db == pytest.approx(-30.0, abs=1.0)


def test_silence_is_level_zero_everywhere():
    settings = SpectrogramSettings()
    tile = compute_tile(BlockSequence.from_array(np.zeros(RATE, np.float32)), RATE,
                        settings, 512, 0, 100)
    assert tile.dtype == np.uint8
    assert tile.shape == (100, settings.rows)
    assert not tile.any()


def test_a_narrow_tone_keeps_its_level_where_many_bins_share_a_row():
    # 16384-sample window: at 15 kHz a log-scale row spans about 140 bins,
    # and averaging them would dim the tone by 20 dB.
    settings = SpectrogramSettings(window_length=16384, scale="log")
    frequency = 5120 * RATE / 16384
    column = middle_column(sine(frequency, seconds=1.0), settings, hop=512)
    assert column.max() >= 252


def test_tiles_do_not_depend_on_how_the_audio_is_split_into_blocks():
    rng = np.random.default_rng(1)
    audio = rng.standard_normal((40000, 2)).astype(np.float32) * 0.3
    whole = BlockSequence.from_array(audio)
    pieces = BlockSequence.empty(2)
    for start in range(0, len(audio), 777):
        pieces = pieces.concat(BlockSequence.from_array(audio[start : start + 777]))
    assert len(pieces.blocks) > 50
    settings = SpectrogramSettings(window_length=1024)
    for hop, first, count in [(256, 0, 60), (256, 100, 57), (4096, 0, 10), (512, 70, 20)]:
        assert np.array_equal(compute_tile(whole, RATE, settings, hop, first, count),
                              compute_tile(pieces, RATE, settings, hop, first, count))


@pytest.mark.parametrize("hop", [256, 8192])  # overlapping frames, and frames far apart
def test_stored_int16_samples_look_like_the_same_float_samples(hop):
    rng = np.random.default_rng(4)
    ints = rng.integers(-20000, 20000, size=(RATE * 2, 2)).astype(np.int16)
    as_int = BlockSequence.from_source(SampleSource(ints, scale=1 / 32768))
    as_float = BlockSequence.from_array(ints / 32768)
    settings = SpectrogramSettings()
    assert np.array_equal(compute_tile(as_int, RATE, settings, hop, 0, 11),
                          compute_tile(as_float, RATE, settings, hop, 0, 11))


@pytest.mark.parametrize("hop", [256, 8192])
def test_non_finite_samples_read_as_silence(hop):
    audio = sine(1000.0, seconds=2.0)
    broken = audio.copy()
    broken[::7] = np.nan
    repaired = audio.copy()
    repaired[::7] = 0.0
    settings = SpectrogramSettings()
    assert np.array_equal(
        compute_tile(BlockSequence.from_array(broken), RATE, settings, hop, 0, 11),
        compute_tile(BlockSequence.from_array(repaired), RATE, settings, hop, 0, 11))


def test_frames_far_apart_are_the_same_whatever_blocks_hold_them():
    # Blocks of 10000 frames and a 1024 window: most frames lie inside one
    # block (gathered per source), a few straddle two (read one by one).
    audio = np.random.default_rng(5).standard_normal((RATE * 4, 2)).astype(np.float32)
    pieces = BlockSequence.empty(2)
    for start in range(0, len(audio), 10000):
        pieces = pieces.concat(BlockSequence.from_array(audio[start : start + 10000]))
    settings = SpectrogramSettings(window_length=1024, channel=1)
    assert np.array_equal(
        compute_tile(BlockSequence.from_array(audio), RATE, settings, 3001, 0, 64),
        compute_tile(pieces, RATE, settings, 3001, 0, 64))


def test_empty_audio_gives_silent_columns():
    empty = BlockSequence.empty(1)
    for hop in (512, 8192):
        assert not compute_tile(empty, RATE, SpectrogramSettings(), hop, 0, 4).any()


def test_computing_a_tile_twice_gives_the_same_image():
    audio = np.random.default_rng(2).standard_normal(30000).astype(np.float32)
    sequence = BlockSequence.from_array(audio)
    settings = SpectrogramSettings(scale="mel")
    first = compute_tile(sequence, RATE, settings, 512, 3, 40)
    assert np.array_equal(first, compute_tile(sequence, RATE, settings, 512, 3, 40))


def test_a_column_is_the_same_whichever_tile_computes_it():
    audio = np.random.default_rng(3).standard_normal(60000).astype(np.float32)
    sequence = BlockSequence.from_array(audio)
    settings = SpectrogramSettings()
    long_run = compute_tile(sequence, RATE, settings, 512, 0, 100)
    short_run = compute_tile(sequence, RATE, settings, 512, 60, 20)
    assert np.abs(long_run[60:80].astype(int) - short_run.astype(int)).max() <= 1


def test_column_c_shows_the_sound_around_frame_c_times_hop():
    # Silence, then a tone from 0.5 s on: columns centred well before 0.5 s
    # stay dark, columns centred after it are bright.
    audio = np.concatenate([np.zeros(RATE // 2, np.float32), sine(1000.0)])
    settings = SpectrogramSettings(window_length=1024)
    tile = compute_tile(BlockSequence.from_array(audio), RATE, settings, 480, 0, 100)
    onset_column = 0.5 * RATE / 480  # column 50
    assert tile[int(onset_column) - 2].max() == 0
    assert tile[int(onset_column) + 2].max() > 240


def test_frames_past_the_ends_read_as_silence():
    audio = sine(1000.0, seconds=0.1)
    tile = compute_tile(BlockSequence.from_array(audio), RATE, SpectrogramSettings(),
                        512, 0, 30)
    assert tile[0].max() > 200  # half of the first frame is audio
    assert tile[25].max() == 0  # centred 0.17 s after a 0.1 s file ends


def test_a_chosen_channel_shows_only_that_channel():
    stereo = np.stack([sine(43 * BIN_HZ), sine(213 * BIN_HZ)], axis=1)
    low_row = int(frequency_to_row(43 * BIN_HZ, SpectrogramSettings(), RATE))
    high_row = int(frequency_to_row(213 * BIN_HZ, SpectrogramSettings(), RATE))
    left = middle_column(stereo, SpectrogramSettings(channel=0))
    right = middle_column(stereo, SpectrogramSettings(channel=1))
    mix = middle_column(stereo, SpectrogramSettings(channel=None))
    assert left[low_row] > 240 and left[high_row] < 60
    assert right[high_row] > 240 and right[low_row] < 60
    assert mix[low_row] > 220 and mix[high_row] > 220  # each at half amplitude: -6 dB


def test_a_missing_channel_is_refused():
    with pytest.raises(ValueError):
        middle_column(np.zeros((RATE, 2), np.float32), SpectrogramSettings(channel=2))


def test_a_cancelled_tile_stops():
    token = CancelToken()
    token.set()
    with pytest.raises(Cancelled):
        compute_tile(BlockSequence.from_array(sine(440.0)), RATE, SpectrogramSettings(),
                     512, 0, 10, cancel=token)


@pytest.mark.parametrize("scale", ["linear", "log", "mel"])
def test_rows_and_frequencies_convert_both_ways(scale):
    settings = SpectrogramSettings(scale=scale, rows=300)
    for frequency in (50.0, 440.0, 3000.0, 20000.0):
        row = frequency_to_row(frequency, settings, RATE)
        assert 0 <= row <= 300
        assert row_to_frequency(row, settings, RATE) == pytest.approx(frequency)
    assert row_to_frequency(300, settings, RATE) == pytest.approx(RATE / 2)
    assert row_to_frequency(0, settings, RATE) == pytest.approx(20.0 if scale == "log" else 0.0)


def test_rows_go_up_in_frequency():
    for scale in ("linear", "log", "mel"):
        settings = SpectrogramSettings(scale=scale)
        hz = row_to_frequency(np.arange(settings.rows + 1), settings, RATE)
        assert np.all(np.diff(hz) > 0)


@pytest.mark.parametrize("bad", [
    {"window_length": 8}, {"hop": 0}, {"db_range": 0.0}, {"window": "kaiser"},
    {"scale": "bark"}, {"colormap": "jet"}, {"channel": -1}, {"rows": 1},
])
def test_impossible_settings_are_refused(bad):
    with pytest.raises(ValueError):
        SpectrogramSettings(**bad)


def test_the_colormap_does_not_change_the_tile_key_settings():
    assert (SpectrogramSettings(colormap="viridis").without_colormap()
            == SpectrogramSettings(colormap="greyscale").without_colormap())
    assert (SpectrogramSettings(db_range=60.0).without_colormap()
            != SpectrogramSettings(db_range=90.0).without_colormap())

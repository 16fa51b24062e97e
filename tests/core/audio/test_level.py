"""Meter arithmetic: peak and RMS per channel, held peaks that fall back, latched clips."""

import numpy as np
import pytest

from workbench.core.audio.level import LevelTracker, amplitude_to_db, block_peak_rms


def sine(amplitude, frames=4800, rate=48000, freq=1000):
    return (amplitude * np.sin(2 * np.pi * freq * np.arange(frames) / rate)).astype(np.float32)


def test_peak_and_rms_of_a_sine_per_channel():
    block = np.stack([sine(0.5), sine(0.1)], axis=1)
    peak, rms = block_peak_rms(block)
    np.testing.assert_allclose(peak, [0.5, 0.1], rtol=1e-3)
    np.testing.assert_allclose(rms, [0.5 / np.sqrt(2), 0.1 / np.sqrt(2)], rtol=1e-3)
    assert amplitude_to_db(1.0) == pytest.approx(0.0)
    assert amplitude_to_db(0.5) == pytest.approx(-6.02, abs=0.01)
    assert amplitude_to_db(0.0) == pytest.approx(-120.0)


def test_held_peak_stays_for_the_hold_time_then_falls():
    meter = LevelTracker(1, hold_s=1.0, fall_db_per_s=20.0)
    meter.update(sine(0.8)[:, None], now_s=0.0)
    quiet = sine(0.01)[:, None]
    lv = meter.update(quiet, now_s=0.9)
    assert lv.peak[0] == pytest.approx(0.01, rel=1e-2)
    assert lv.held_peak[0] == pytest.approx(0.8, rel=1e-3), "held during the hold time"
    lv = meter.update(quiet, now_s=1.5)  # 0.5 s of falling at 20 dB/s -> -10 dB
    assert lv.held_peak_db[0] == pytest.approx(amplitude_to_db(0.8) - 10.0, abs=0.1)
    lv = meter.update(quiet, now_s=2.0)
    assert lv.held_peak_db[0] == pytest.approx(amplitude_to_db(0.8) - 20.0, abs=0.1)
    for t in np.arange(2.1, 8.0, 0.1):
        lv = meter.update(quiet, now_s=float(t))
    assert lv.held_peak[0] == pytest.approx(0.01, rel=1e-2), "never below the current peak"


def test_a_single_clipped_sample_latches_until_reset():
    meter = LevelTracker(2)
    block = np.zeros((480, 2), np.float32)
    block[100, 1] = 1.0
    lv = meter.update(block, 0.0)
    assert lv.clipped.tolist() == [False, True]
    lv = meter.update(np.zeros((480, 2), np.float32), 5.0)
    assert lv.clipped.tolist() == [False, True]
    meter.reset_clip()
    assert meter.levels.clipped.tolist() == [False, False]


def test_channel_count_change_resets_the_meter():
    meter = LevelTracker(2)
    meter.update(np.full((10, 2), 0.5, np.float32), 0.0)
    lv = meter.update(np.full((10, 1), 0.25, np.float32), 0.1)
    assert lv.channels == 1 and lv.held_peak[0] == pytest.approx(0.25)

"""Dry/wet mix, residual and the blind SNR estimate shown with an enhancer result."""

import numpy as np

from workbench.core.analysis.enhancement_review import (
    enhancement_scores,
    estimate_snr_db,
    residual,
    wet_mix,
)

RATE = 16000


def speech_like(seconds=2.0, seed=0):
    """Bursts of tone (on half the time) over silence."""
    t = np.arange(int(seconds * RATE)) / RATE
    on = (np.floor(t * 4) % 2 == 0).astype(np.float32)
    return (0.3 * np.sin(2 * np.pi * 300 * t) * on).astype(np.float32)[:, None]


def test_wet_mix_and_residual_are_sample_exact():
    x = np.ones((10, 2), np.float32)
    y = np.zeros((10, 2), np.float32)
    np.testing.assert_allclose(wet_mix(x, y, 0.25), 0.75)
    assert wet_mix(x, y, 1.0) is y
    np.testing.assert_array_equal(residual(x, wet_mix(x, y, 0.25)), x - wet_mix(x, y, 0.25))


def test_the_snr_estimate_falls_with_more_noise_and_rises_after_denoising():
    clean = speech_like()
    rng = np.random.default_rng(0)
    noise = rng.standard_normal(clean.shape).astype(np.float32)
    estimates = [estimate_snr_db(clean + level * noise, RATE) for level in (0.003, 0.03, 0.1)]
    assert estimates[0] > estimates[1] > estimates[2]
    scores = enhancement_scores(clean + 0.03 * noise, clean + 0.003 * noise, RATE)
    assert scores.snr_after_db - scores.snr_before_db > 10 and scores.gain_db > 10
    assert -30 < scores.removed_db < 0


def test_silence_and_tiny_inputs_give_the_lower_limit():
    assert estimate_snr_db(np.zeros((RATE, 1), np.float32), RATE) == -30.0
    assert estimate_snr_db(np.zeros((10, 1), np.float32), RATE) == -30.0


def test_the_gain_image_reads_the_applied_gain_per_cell():
    from workbench.core.analysis.enhancement_review import gain_image_db
    from workbench.core.analysis.spectrogram import SpectrogramSettings

    t = np.arange(RATE) / RATE
    low = 0.3 * np.sin(2 * np.pi * 500 * t)
    high = 0.3 * np.sin(2 * np.pi * 4000 * t)
    original = (low + high).astype(np.float32)[:, None]
    original[RATE // 2:] = 0.0  # silent from 0.5 s: no gain to read there
    enhanced = (low + 0.1 * high).astype(np.float32)[:, None]  # 4 kHz down 20 dB
    enhanced[RATE // 2:] = 0.0
    settings = SpectrogramSettings(window_length=1024, scale="linear", rows=64)
    gain = gain_image_db(original, enhanced, RATE, settings, 512, 20)
    assert gain.shape == (20, 64)
    row = lambda hz: int(hz / (RATE / 2) * 64)  # noqa: E731
    np.testing.assert_allclose(gain[3:12, row(4000)], -20.0, atol=0.5)
    np.testing.assert_allclose(gain[3:12, row(500)], 0.0, atol=0.5)
    assert np.isnan(gain[18:]).all()


def test_only_in_regions_keeps_the_original_outside_them_exactly():
    from workbench.core.analysis.enhancement_review import only_in_regions

    original = np.arange(20, dtype=np.float32)[:, None]
    enhanced = -original
    out = only_in_regions(original, enhanced, 1.0, [(1.2, 1.5), (2.5, 9.0)], 10)
    expected = original.copy()
    expected[2:5] = enhanced[2:5]
    expected[15:] = enhanced[15:]
    np.testing.assert_array_equal(out, expected)


def test_review_images_share_one_grid_and_stop_when_cancelled():
    import pytest

    from workbench.core.analysis.enhancement_review import review_images_task
    from workbench.core.analysis.spectrogram import SpectrogramSettings
    from workbench.core.jobs import Cancelled, CancelToken, run_to_completion

    x = speech_like(3.0)
    versions = {"original": x, "enhanced": 0.5 * x, "residual": 0.5 * x}
    settings = SpectrogramSettings(rows=64)
    images = run_to_completion(review_images_task(versions, RATE, settings))
    assert set(images.levels) == set(versions)
    columns = len(x) // images.hop
    assert all(v.shape == (columns, 64) for v in images.levels.values())
    assert images.gain.shape == (columns, 64) and columns <= 1200
    token = CancelToken()
    token.set()
    with pytest.raises(Cancelled):
        run_to_completion(review_images_task(versions, RATE, settings), token)

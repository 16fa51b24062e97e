"""The enhancer's mask and state as the views ask for them: on the spectrogram's rows,
and the gain at a time and frequency for hovering."""

import numpy as np
import pytest

from workbench.core.analysis.enhancer_insight import EnhancerInsight, gain_text
from workbench.core.analysis.spectrogram import SpectrogramSettings, row_to_frequency


def insight(frames=10, n_fft=16, model_rate=16000):
    bins = n_fft // 2 + 1
    mask = np.tile(np.linspace(0.0, 1.0, bins, dtype=np.float32), (frames, 1))
    mask[3] = 0.5
    hidden = np.linspace(-1, 1, frames * 4, dtype=np.float32).reshape(frames, 4)
    return EnhancerInsight(mask, hidden, 0.01, model_rate, n_fft, start=2.0)


def test_gain_at_reads_the_frame_and_the_nearest_bin():
    ins = insight()
    assert ins.gain_at(2.005, 4000.0) == pytest.approx(0.5)  # bin 4 of 8
    assert ins.gain_at(2.035, 4000.0) == pytest.approx(0.5)  # frame 3 is all 0.5
    assert ins.gain_at(2.005, 8000.0) == pytest.approx(1.0)
    assert ins.gain_at(1.99, 4000.0) is None and ins.gain_at(2.1, 4000.0) is None
    assert ins.gain_at(2.005, 9000.0) is None  # above the model's Nyquist frequency
    assert ins.state_at(2.0, 3) == pytest.approx(ins.hidden[0, 3])
    assert ins.state_at(2.0, 4) is None


@pytest.mark.parametrize("scale", ["linear", "log", "mel"])
def test_mask_rows_follow_the_spectrogram_scale_and_stop_at_the_model_nyquist(scale):
    ins = insight(n_fft=64)
    settings = SpectrogramSettings(scale=scale, rows=64)
    rows = ins.mask_rows(settings, 44100)  # a 44.1 kHz document, a 16 kHz model
    hz = row_to_frequency(np.arange(64) + 0.5, settings, 44100)
    assert rows.shape == (10, int(np.sum(hz <= 8000)))
    for r in (0, rows.shape[1] // 2, rows.shape[1] - 1):  # each row shows its frequency's gain
        assert rows[0, r] == round(ins.gain_at(2.0, hz[r]) * 255)
    assert rows.dtype == np.uint8 and np.all(rows[3] == 128)


def test_gain_text_gives_the_gain_and_its_decibels():
    assert gain_text(0.5) == "0.50 (-6.0 dB)"
    assert gain_text(1.0) == "1.00 (+0.0 dB)"
    assert gain_text(0.0) == "0.00 (-120.0 dB)"

"""Resampling with torchaudio, and the resample task feeding the core command."""

import numpy as np
import pytest

from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.document import Document
from workbench.core.document.history import History
from workbench.core.document.track_commands import ChangeSampleRateCommand
from workbench.core.jobs import Cancelled, CancelToken, Progress, run_to_completion
from workbench.core.labels.labels import Label, LabelTier
from workbench.ml.resample import (
    StreamResampler,
    resample_array,
    resample_tracks,
    resampled_length,
)


def tone(freq, rate, seconds=0.5, channels=1):
    t = np.arange(int(rate * seconds)) / rate
    x = np.sin(2 * np.pi * freq * t).astype(np.float32)
    return np.repeat(x[:, None], channels, axis=1)


def dominant_frequency(x, rate):
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.argmax(spectrum) * rate / len(x)


@pytest.mark.parametrize("orig,new", [(48000, 16000), (22050, 44100), (44100, 48000)])
def test_a_tone_keeps_its_pitch_and_level(orig, new):
    out = resample_array(tone(1000, orig), orig, new)
    assert out.dtype == np.float32 and len(out) == resampled_length(int(orig * 0.5), orig, new)
    assert dominant_frequency(out[:, 0], new) == pytest.approx(1000, abs=new / len(out) * 1.01)
    middle = out[len(out) // 4: 3 * len(out) // 4, 0]
    assert np.sqrt(np.mean(middle ** 2)) == pytest.approx(np.sqrt(0.5), rel=0.02)


def test_downsampling_removes_what_the_new_rate_cannot_hold():
    out = resample_array(tone(7000, 48000), 48000, 8000)  # above the new Nyquist (4 kHz)
    assert np.sqrt(np.mean(out[100:-100, 0] ** 2)) < 0.01


def test_resample_task_reports_progress_and_feeds_the_edit():
    x = tone(440, 8000, channels=2)
    x[:, 1] *= 0.5
    doc = Document.from_array(x, 8000)
    doc.set_label_tiers([LabelTier("t", (Label(800, 1600, "a"),))])
    progress = []
    result = run_to_completion(
        lambda cancel: resample_tracks([t.samples for t in doc.tracks], 8000, 16000, cancel),
        on_progress=progress.append)
    assert [p.fraction for p in progress] == [0.5, 1.0]
    assert all(isinstance(p, Progress) for p in progress)
    History(doc).push(ChangeSampleRateCommand(16000, result))
    assert doc.sample_rate == 16000 and doc.frames == 8000
    out = doc.tracks[0].samples.read()
    assert np.allclose(out[:, 1], out[:, 0] * 0.5, atol=1e-6)
    assert [(lab.start, lab.end) for lab in doc.label_tiers[0].labels] == [(1600, 3200)]


def test_resample_task_stops_when_cancelled():
    cancel = CancelToken()
    cancel.set()
    seq = BlockSequence.from_array(np.zeros((100, 1), np.float32))
    with pytest.raises(Cancelled):
        run_to_completion(lambda _: resample_tracks([seq], 1000, 2000, cancel))


def test_resampled_length_follows_torchaudio():
    assert resampled_length(44100, 44100, 48000) == 48000
    assert resampled_length(1, 3, 7) == 3
    assert len(resample_array(np.zeros(1000, np.float32), 3, 7)) == resampled_length(1000, 3, 7)


@pytest.mark.parametrize(("orig", "new"), [(44100, 16000), (16000, 44100), (48000, 16000),
                                           (22050, 16000), (8000, 16000), (16000, 16000)])
def test_streamed_pieces_join_into_the_whole_signal_resampled(orig, new):
    rng = np.random.default_rng(orig + new)
    x = rng.standard_normal((30011, 2)).astype(np.float32)
    stream, parts, at = StreamResampler(orig, new), [], 0
    while at < len(x):
        size = int(rng.integers(1, 7000))
        parts.append(stream.push(x[at:at + size]))
        at += size
    parts.append(stream.flush())
    joined = np.concatenate(parts)
    whole = resample_array(x, orig, new)
    assert joined.shape == whole.shape == (resampled_length(len(x), orig, new), 2)
    assert np.max(np.abs(joined - whole)) < 1e-5

"""The committed demo recording and the script that makes it."""

import numpy as np
import pytest
import soundfile as sf

from workbench.core.labels.label_formats import read_audacity
from workbench.core.paths import RESOURCES
from workbench.training import make_demo

DEMO = RESOURCES / "demo" / "demo.flac"
LABELS = RESOURCES / "demo" / "demo.txt"


@pytest.fixture(scope="module")
def demo():
    audio, rate = sf.read(DEMO, dtype="float64", always_2d=True)
    lines = [line.split("\t") for line in LABELS.read_text(encoding="utf-8").splitlines()]
    return audio, rate, [(float(a), float(b), text) for a, b, text in lines]


def test_committed_demo_is_small_stereo_cd_rate_audio_peaking_at_minus_3_dbfs(demo):
    audio, rate, _ = demo
    assert rate == 44100 and audio.shape[1] == 2
    assert 18.0 <= len(audio) / rate <= 26.0
    assert 20 * np.log10(np.max(np.abs(audio))) == pytest.approx(-3.0, abs=0.1)
    assert DEMO.stat().st_size < 3_000_000
    left, right = audio[:, 0], audio[:, 1]
    assert not np.array_equal(left, right)
    assert np.corrcoef(left, right)[0, 1] > 0.5  # one scene, not two unrelated tracks


def test_labels_cover_the_recording_and_name_every_sound_class(demo):
    audio, rate, labels = demo
    tier = read_audacity(LABELS.read_text(encoding="utf-8"), rate)
    assert len(list(tier.labels)) == len(labels)
    starts = [start for start, _, _ in labels]
    assert starts == sorted(starts) and labels[0][0] == 0.0
    assert labels[-1][1] == pytest.approx(len(audio) / rate, abs=0.01)
    classes = {text.split(":")[0].split(" ")[0] for _, _, text in labels}
    assert classes == {"silence", "speech", "music", "tone", "noise"}
    speech = [text for _, _, text in labels if text.startswith("speech")]
    assert any("espeak-ng" in t for t in speech) and any("flite" in t for t in speech)
    assert any("10 dB SNR" in t for t in speech)


def test_each_labelled_region_sounds_like_its_class(demo):
    audio, rate, labels = demo
    for start, end, text in labels:
        region = audio[int(start * rate): int(end * rate)]
        peak_db = 20 * np.log10(np.max(np.abs(region)))
        if text.startswith("silence"):
            assert peak_db < -40, text
        else:
            assert peak_db > -20, text
    music = next((s, e) for s, e, t in labels if t.startswith("music"))
    assert music[1] - music[0] == pytest.approx(4.0, abs=0.1)


def test_demo_build_is_deterministic_and_matches_the_committed_labels(tmp_path, demo):
    first = make_demo.write_demo(tmp_path / "a", sample_rate=16000)
    second = make_demo.write_demo(tmp_path / "b", sample_rate=16000)
    assert first[0].read_bytes() == second[0].read_bytes()
    assert first[1].read_text() == second[1].read_text()
    built = [line.split("\t")[2] for line in first[1].read_text().splitlines()]
    assert built == [text for _, _, text in demo[2]]

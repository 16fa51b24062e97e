import numpy as np
import pytest

from tests.training.measure import band_energy_fraction, level_db
from workbench.training.synth import examples, mix

SR = 16000


@pytest.mark.parametrize("label", examples.CLASSES)
def test_classifier_examples_have_their_class_length_and_a_varied_level(label):
    levels = []
    for seed in range(3):
        got, audio = examples.classifier_example(seed, SR, 1.0, label=label)
        assert got == label and audio.shape == (SR,) and audio.dtype == np.float32
        assert np.max(np.abs(audio)) <= 1.0
        levels.append(level_db(audio) if np.any(audio) else -200.0)
    if label == "silence":
        assert max(levels) < -55
    else:
        assert all(-46 < lv < -14 for lv in levels) and np.ptp(levels) > 1.0


def test_classifier_examples_repeat_for_a_seed_and_draw_every_class():
    label, audio = examples.classifier_example(8, SR, 1.0)
    again = examples.classifier_example(8, SR, 1.0)
    assert label == again[0] and np.array_equal(audio, again[1])
    drawn = {examples.classifier_example(np.random.default_rng(s), SR, 0.3, label=None)[0]
             for s in range(40)}
    assert drawn == set(examples.CLASSES)
    with pytest.raises(ValueError, match="unknown class"):
        examples.classifier_example(0, SR, 1.0, label="birdsong")


def test_speech_examples_are_speech_like():
    _, audio = examples.classifier_example(3, SR, 2.0, label="speech")
    assert band_energy_fraction(audio, SR, 100, 4000) > 0.7


@pytest.mark.parametrize("seed", range(4))
def test_enhancement_pairs_are_aligned_at_their_snr(seed):
    pair = examples.enhancement_pair(seed, SR, 1.5, snr_range_db=(0.0, 15.0))
    assert pair.noisy.shape == pair.clean.shape == (int(1.5 * SR),)
    assert 0.0 <= pair.snr_db <= 15.0 and pair.noise_kind in examples.ENHANCEMENT_NOISES
    assert mix.snr_db(pair.clean, pair.noisy - pair.clean) == pytest.approx(pair.snr_db, abs=0.1)
    assert max(np.max(np.abs(pair.noisy)), np.max(np.abs(pair.clean))) <= 0.99 + 1e-6


def test_recognition_examples_carry_the_transcript():
    audio, transcript = examples.recognition_example(5, SR)
    again, same = examples.recognition_example(5, SR)
    assert np.array_equal(audio, again) and transcript == same
    assert len(transcript.split()) >= 3 and np.max(np.abs(audio)) > 0.1
    assert len(audio) / SR > 0.3 * len(transcript.split())  # at most about three words a second

"""The enhancer's data recipe: held-out voices and noises stay out, mixtures are what they claim."""

import numpy as np
import pytest

from workbench.training.enhancer import dataset, recipe
from workbench.training.enhancer.eval_data import HELD_OUT_SET

SR = recipe.SAMPLE_RATE


def test_training_and_evaluation_voices_are_disjoint():
    train, held = set(recipe.voice_pool("train")), set(recipe.voice_pool("eval"))
    assert train and held and not train & held
    assert all(v.variant not in recipe.HELD_OUT_VARIANTS for v in train)
    assert {v.engine for v in train} == {"espeak-ng", "flite"}


def test_held_out_noise_kinds_are_never_trained_on():
    assert not set(recipe.HELD_OUT_NOISES) & set(recipe.TRAIN_NOISES)
    assert not set(HELD_OUT_SET) & set(recipe.TRAIN_NOISES)


@pytest.mark.parametrize("kind", ["wind", "clatter", "engine", "hum"])
def test_own_noises_repeat_for_a_seed_and_stay_in_range(kind):
    first = recipe.make_noise(kind, 3, SR, 1.0)
    assert first.shape == (SR,) and np.max(np.abs(first)) <= 1.0 and np.std(first) > 1e-3
    assert np.array_equal(first, recipe.make_noise(kind, 3, SR, 1.0))
    assert not np.array_equal(first, recipe.make_noise(kind, 4, SR, 1.0))


def _sampler(**settings):
    rng = np.random.default_rng(0)
    t = np.arange(SR) / SR
    speech = [(0.5 * np.sin(2 * np.pi * 220 * t) * (t < 0.7)).astype(np.float32)
              for _ in range(3)]
    noises = {"white": rng.standard_normal((2, 2 * SR)).astype(np.float32) * 0.1}
    return dataset.MixtureSampler(dataset.SpeechPool(speech, ["v"] * 3), noises,
                                  dataset.MixSettings(**settings))


def test_mixtures_hold_speech_at_the_chosen_snr_and_level():
    sampler = _sampler(clean_share=0.0, reverb_share=0.0, eq_share=0.0, clip_share=0.0,
                       second_noise_share=0.0, snr_db=(5.0, 5.0))
    noisy, clean = sampler.batch(np.random.default_rng(1), 4, 3 * SR)
    assert noisy.shape == clean.shape == (4, 3 * SR) and noisy.dtype == np.float32
    for n, c in zip(noisy, clean):
        snr = 10 * np.log10(np.sum(c.astype(np.float64) ** 2) / np.sum((n - c) ** 2.0))
        assert snr == pytest.approx(5.0, abs=0.01)
        assert np.max(np.abs(n)) <= 0.99 + 1e-6 and np.max(np.abs(c)) > 0


def test_mixing_is_seeded():
    a = _sampler().batch(np.random.default_rng(7), 3, SR)
    b = _sampler().batch(np.random.default_rng(7), 3, SR)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def test_pools_are_built_once_and_reused(tmp_path, monkeypatch):
    monkeypatch.setattr(dataset, "_SHARD", 2)
    monkeypatch.setattr(dataset, "NOISE_SEGMENT_S", 0.5)
    pool = dataset.build_speech_pool(tmp_path, "train", 2, log=lambda m: None)
    noises = dataset.build_noise_pool(tmp_path, "train", ("white", "clatter"), 2,
                                      log=lambda m: None)
    assert len(pool.utterances) == 2 and all(len(u) > SR // 2 for u in pool.utterances)
    assert noises["white"].shape == (2, SR // 2)
    stamps = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    again = dataset.build_speech_pool(tmp_path, "train", 2, log=lambda m: None)
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == stamps
    assert all(np.array_equal(a, b) for a, b in zip(pool.utterances, again.utterances))

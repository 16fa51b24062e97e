"""The family split and the second recipe: training never hears a held-out family."""

import numpy as np
import pytest

from workbench.training.classifier import families
from workbench.training.classifier.recipe_families import (
    synthesize_clip,
    synthesize_randomized_clip,
    synthesize_test_timbre_clip,
    synthesize_wide_clip,
    synthesize_wide_music_clip,
)
from workbench.training.synth.ambience.textures import NOISE_TEXTURES, ROOM_TONES
from workbench.training.synth.orchestra.families import ALL_FAMILIES, RANDOMIZED_FAMILIES, category

RATE = 16000


def db(audio):
    return 20 * np.log10(max(float(np.sqrt(np.mean(audio.astype(np.float64) ** 2))), 1e-12))


def test_the_split_is_disjoint_and_covers_every_family_and_texture():
    pairs = [(families.MUSIC_TRAINING, families.MUSIC_HELD_OUT, ALL_FAMILIES),
             (families.NOISE_TRAINING + families.NOISE_RANDOMIZED, families.NOISE_HELD_OUT,
              tuple(NOISE_TEXTURES)),
             (families.ROOM_TONE_TRAINING, families.ROOM_TONE_HELD_OUT, tuple(ROOM_TONES))]
    for training, held_out, everything in pairs:
        assert held_out and training and not set(training) & set(held_out)
        assert set(training) | set(held_out) == set(everything)
    # A whole category (bowed strings) is held out, not just single instruments.
    assert {f for f in ALL_FAMILIES if category(f) == "bowed"} <= set(families.MUSIC_HELD_OUT)
    assert families.music_families("eval") == families.MUSIC_HELD_OUT
    assert families.music_families("val") == families.MUSIC_TRAINING


def test_validation_families_are_training_families_a_validation_run_never_hears():
    validation = families.MUSIC_VALIDATION + families.NOISE_VALIDATION
    assert set(families.MUSIC_VALIDATION) < set(families.MUSIC_TRAINING)
    assert set(families.NOISE_VALIDATION) < set(families.NOISE_TRAINING)
    for randomized in (False, True):
        pool = families.music_families("fv-train", randomized) + \
            families.noise_textures("fv-train", randomized)
        assert not set(pool) & set(validation) and not set(pool) & set(families.HELD_OUT_FAMILIES)
    assert families.music_families("fv-val", randomized=True) == families.MUSIC_VALIDATION
    assert families.noise_textures("fv-val", randomized=True) == families.NOISE_VALIDATION
    # Every category that keeps a family in training gives one to validation.
    kept = {category(f) for f in families.music_families("fv-train") if f in ALL_FAMILIES}
    assert {category(f) for f in families.MUSIC_VALIDATION} <= kept
    # The shipped model's training still hears them.
    assert set(validation) <= set(families.music_families("train")
                                  + families.noise_textures("train"))
    # Silence too: one training room tone is validation's alone.
    assert families.room_tones("fv-val") == families.ROOM_TONE_VALIDATION
    assert set(families.ROOM_TONE_VALIDATION) < set(families.ROOM_TONE_TRAINING)
    assert not set(families.room_tones("fv-train")) & set(
        families.ROOM_TONE_VALIDATION + families.ROOM_TONE_HELD_OUT)
    assert families.room_tones("train") == families.ROOM_TONE_TRAINING


def test_a_validation_run_never_hears_a_validation_family():
    validation = families.MUSIC_VALIDATION + families.NOISE_VALIDATION
    unheard = validation + families.HELD_OUT_FAMILIES + families.ROOM_TONE_VALIDATION \
        + families.ROOM_TONE_HELD_OUT
    for label in ("music", "noise", "speech", "silence"):
        for index in range(6):
            for make in (synthesize_clip, synthesize_randomized_clip):
                detail = make(label, "fv-train", index, RATE, 0.5).detail
                assert not named_in(detail, unheard), detail
    clip = synthesize_randomized_clip("music", "fv-val", 0, RATE, 1.0, featured="sax")
    assert "sax" in clip.detail and not named_in(clip.detail, RANDOMIZED_FAMILIES)


def named_in(detail: str, names) -> set[str]:
    words = set(detail.replace(",", " ").replace(";", " ").replace("+", " ").split())
    return words & set(names)


def test_training_clips_never_hold_a_held_out_family_or_texture():
    held = families.MUSIC_HELD_OUT + families.NOISE_HELD_OUT + families.ROOM_TONE_HELD_OUT
    seen = set()
    for label in ("music", "noise", "speech", "silence"):
        for index in range(5):
            detail = synthesize_clip(label, "train", index, RATE, 0.5).detail
            assert not named_in(detail, held), detail
            seen |= named_in(detail, families.MUSIC_TRAINING + families.NOISE_TRAINING)
    assert len(seen) >= 5  # and they do hear a variety of the training ones


def test_the_randomized_recipe_hears_the_random_spaces_in_training_only():
    randomized = RANDOMIZED_FAMILIES + families.NOISE_RANDOMIZED
    assert not set(randomized) & set(families.music_families("eval", randomized=True)
                                     + families.noise_textures("eval", randomized=True))
    heard = set()
    for label in ("music", "noise"):
        for index in range(8):
            heard |= named_in(synthesize_randomized_clip(label, "train", index, RATE, 0.5).detail,
                              randomized)
            # The families recipe never hears them.
            assert not named_in(synthesize_clip(label, "train", index, RATE, 0.5).detail, randomized)
    assert {"random_pitched", "random_texture"} <= heard
    # Evaluation clips are the same in both recipes.
    for featured in ("koto", "wind"):
        label = "music" if featured == "koto" else "noise"
        assert np.array_equal(synthesize_clip(label, "eval", 2, RATE, 1.0, featured=featured).audio,
                              synthesize_randomized_clip(label, "eval", 2, RATE, 1.0,
                                                         featured=featured).audio)


def test_the_wide_recipe_hears_the_added_sources_in_training_only():
    added = families.MUSIC_ADDED + families.NOISE_ADDED + families.ROOM_TONE_ADDED
    scored = families.HELD_OUT_FAMILIES + families.VALIDATION_FAMILIES \
        + families.ROOM_TONE_HELD_OUT + families.ROOM_TONE_VALIDATION
    assert families.MUSIC_ADDED and families.NOISE_ADDED and families.ROOM_TONE_ADDED
    assert not set(added) & set(scored + families.MUSIC_TRAINING + families.NOISE_TRAINING
                                + families.ROOM_TONE_TRAINING)
    for split in ("eval", "fv-val"):
        pools = families.music_families(split, wide=True) + families.noise_textures(split, wide=True) \
            + families.room_tones(split, wide=True)
        assert not set(pools) & set(added)
    assert set(families.MUSIC_ADDED) < set(families.music_families("fv-train", wide=True))
    heard = set()
    for label, count in (("music", 10), ("noise", 10), ("silence", 20)):
        for index in range(count):
            heard |= named_in(synthesize_wide_clip(label, "train", index, RATE, 0.5).detail, added)
            assert not named_in(synthesize_clip(label, "train", index, RATE, 0.5).detail, added)
    # Added instruments, textures and room tones are all heard.
    assert heard & set(families.MUSIC_ADDED) and heard & set(families.NOISE_ADDED) \
        and heard & set(families.ROOM_TONE_ADDED), heard
    # "wide-music" hears the added instruments but none of the added textures, backgrounds
    # included.
    music_only = set()
    for label in ("music", "noise", "speech"):
        for index in range(8):
            detail = synthesize_wide_music_clip(label, "train", index, RATE, 0.5).detail
            assert not named_in(detail, families.NOISE_ADDED), detail
            music_only |= named_in(detail, families.MUSIC_ADDED)
    assert music_only
    # Scoring clips are the same in both recipes.
    for featured, label in (("koto", "music"), ("rain", "noise"), (None, "silence")):
        split = "fv-val" if featured == "rain" else "eval"
        assert np.array_equal(synthesize_clip(label, split, 3, RATE, 1.0, featured=featured).audio,
                              synthesize_wide_clip(label, split, 3, RATE, 1.0,
                                                   featured=featured).audio)


@pytest.mark.parametrize("featured", ["cello", "vinyl"])
def test_an_evaluation_clip_features_its_held_out_family(featured):
    label = "music" if featured in families.MUSIC_HELD_OUT else "noise"
    clip = synthesize_clip(label, "eval", 0, RATE, 2.0, featured=featured)
    assert featured in clip.detail
    assert not named_in(clip.detail, families.MUSIC_TRAINING + families.NOISE_TRAINING)
    again = synthesize_clip(label, "eval", 0, RATE, 2.0, featured=featured)
    assert np.array_equal(clip.audio, again.audio)
    assert not np.array_equal(clip.audio, synthesize_clip(label, "eval", 1, RATE, 2.0,
                                                          featured=featured).audio)


def test_speech_backgrounds_sit_at_low_snr_and_silence_stays_quiet():
    snrs = []
    for index in range(8):
        detail = synthesize_clip("speech", "train", index, RATE, 1.0).detail
        if detail != "clean":
            snrs.append(float(detail.rsplit(" at ", 1)[1].split()[0]))
        assert db(synthesize_clip("silence", "train", index, RATE, 1.0).audio) <= -56.0
    assert snrs and all(0 <= s <= 15 for s in snrs)


def test_an_unknown_family_or_class_is_refused_by_name():
    with pytest.raises(ValueError, match="theremin"):
        synthesize_clip("music", "eval", 0, RATE, 1.0, featured="theremin")
    with pytest.raises(ValueError, match="whistle"):
        synthesize_clip("whistle", "train", 0, RATE, 1.0)


def test_the_card_names_what_each_wide_recipe_added():
    from workbench.training.classifier.card import data_text

    wide = data_text({"recipe": "wide"})
    music_only = data_text({"recipe": "wide-music"})
    plain = data_text({"recipe": "families"})
    assert "overdriven_guitar" in wide and "applause" in wide and "fridge" in wide
    assert "overdriven_guitar" in music_only and "fridge" in music_only
    assert "applause" not in music_only
    assert not {"overdriven_guitar", "applause", "fridge"} & set(plain.replace(",", " ").split())


def test_the_test_timbre_recipe_features_the_sine_synth_in_training_only():
    from workbench.training.classifier.card import data_text

    assert "sine_synth" not in families.music_families("fv-val", test_timbre=True)
    assert "sine_synth" not in families.music_families("eval", test_timbre=True)
    details = [synthesize_test_timbre_clip("music", "train", index, RATE, 0.5).detail
               for index in range(60)]
    # Featured in a fifth of the pieces besides its place in the pool (which alone gives
    # these seeds 8 of 60).
    assert 12 <= sum("sine_synth" in d for d in details) <= 30, details
    assert not any("sine_synth" in synthesize_clip("music", "train", i, RATE, 0.5).detail
                   for i in range(60))
    for featured, label in (("koto", "music"), (None, "speech")):
        assert np.array_equal(
            synthesize_clip(label, "eval", 3, RATE, 1.0, featured=featured).audio,
            synthesize_test_timbre_clip(label, "eval", 3, RATE, 1.0, featured=featured).audio)
    assert "sine synth" in data_text({"recipe": "test-timbre"})
    assert "sine synth" not in data_text({"recipe": "families"})

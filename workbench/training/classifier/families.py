"""The family split, declared in one place: what training may hear and what only evaluation hears.

Whole instrument families, noise textures and room tones are held out, not
only seeds: a model that passes on these has learnt "music", "noise" and
"silence", not the generators it was trained on.  The bowed strings are held
out as a whole category (violin and cello), and one or more families of
every other category.  Nothing here is ever tuned on the held-out side.

A second, smaller split chooses between training runs: the *validation
families*, training families that a family-validation run ("fv-train") does
not hear and that its scoring recordings ("fv-val") play.  A recipe or setting
that does better there generalizes better to families it has not heard; the
model shipped is that recipe trained on every training family.

The "wide" recipe's training also hears the families, textures and room tones
added in session 8 (``ADDED_*``): more distinct sound sources, none of them
close to a held-out or validation one.  They never play in a scoring split.

Splits: "train" and "val" (training families; "val" is a seed stream),
"fv-train" (training families less the validation ones), "fv-val" (only the
validation families), "eval" (only the held-out families).
"""

from __future__ import annotations

from workbench.training.synth.ambience.textures import (
    ADDED_NOISE_TEXTURES,
    ADDED_ROOM_TONES,
    NOISE_TEXTURES,
    ROOM_TONES,
)
from workbench.training.synth.orchestra.families import (
    ADDED_FAMILIES,
    ALL_FAMILIES,
    RANDOMIZED_FAMILIES,
    TEST_TIMBRE_FAMILY,
)

MUSIC_HELD_OUT = ("violin", "cello", "marimba", "clarinet", "accordion", "fm_keys", "koto",
                  "hand_percussion")
MUSIC_TRAINING = tuple(f for f in ALL_FAMILIES if f not in MUSIC_HELD_OUT)
NOISE_HELD_OUT = ("wind", "traffic", "murmur", "vinyl")
# Randomized spaces (synth ``randomized`` modules), not instruments or sources: only the
# "randomized" recipe's training and validation hear them, never evaluation.
MUSIC_RANDOMIZED = RANDOMIZED_FAMILIES
NOISE_RANDOMIZED = ("random_texture",)
NOISE_TRAINING = tuple(t for t in NOISE_TEXTURES
                       if t not in NOISE_HELD_OUT and t not in NOISE_RANDOMIZED)
ROOM_TONE_HELD_OUT = ("ventilated",)
ROOM_TONE_TRAINING = tuple(t for t in ROOM_TONES if t not in ROOM_TONE_HELD_OUT)
# Evaluation reports each of these on its own.
HELD_OUT_FAMILIES = MUSIC_HELD_OUT + NOISE_HELD_OUT
# Family validation (model choice only): one family of each category that has two or
# more training families (plucked, struck, blown, synth, kit) and two noise textures,
# declared before any run was scored on them.
MUSIC_VALIDATION = ("harp", "vibraphone", "sax", "lead", "electronic_kit")
NOISE_VALIDATION = ("rain", "keyboard")
VALIDATION_FAMILIES = MUSIC_VALIDATION + NOISE_VALIDATION
# One room tone too (added in session 7, before any run was scored with it): silence is
# told from quiet noise by level and texture, and a held-out room tone tests that.
ROOM_TONE_VALIDATION = ("hiss",)
# Training-only additions of the "wide" recipe (never held out, never validation).
MUSIC_ADDED = ADDED_FAMILIES
NOISE_ADDED = tuple(ADDED_NOISE_TEXTURES)
ROOM_TONE_ADDED = tuple(ADDED_ROOM_TONES)
# Training-only music of the "test-timbre" recipe: a test signal's timbre playing music.
MUSIC_TEST_TIMBRE = (TEST_TIMBRE_FAMILY,)
# Which families each scoring split features, one recording set per family.
FEATURED = {"eval": HELD_OUT_FAMILIES, "fv-val": VALIDATION_FAMILIES}


def _pool(split: str, training: tuple[str, ...], held_out: tuple[str, ...],
          validation: tuple[str, ...], extra: tuple[str, ...]) -> tuple[str, ...]:
    """The split's names; ``extra`` (randomized spaces, added families) only joins training."""
    if split == "eval":
        return held_out
    if split == "fv-val":
        return validation
    if split == "fv-train":
        training = tuple(f for f in training if f not in validation)
    return training + extra


def music_families(split: str, randomized: bool = False, wide: bool = False,
                   test_timbre: bool = False) -> tuple[str, ...]:
    """Instrument families of ``split`` ("eval": only the held-out ones, "fv-val": only the
    validation ones); ``randomized`` adds the randomized instrument spaces to training,
    ``wide`` the added families, ``test_timbre`` the sine synth."""
    return _pool(split, MUSIC_TRAINING, MUSIC_HELD_OUT, MUSIC_VALIDATION,
                 (MUSIC_RANDOMIZED if randomized else ()) + (MUSIC_ADDED if wide else ())
                 + (MUSIC_TEST_TIMBRE if test_timbre else ()))


def noise_textures(split: str, randomized: bool = False, wide: bool = False) -> tuple[str, ...]:
    return _pool(split, NOISE_TRAINING, NOISE_HELD_OUT, NOISE_VALIDATION,
                 (NOISE_RANDOMIZED if randomized else ()) + (NOISE_ADDED if wide else ()))


def is_scoring(split: str) -> bool:
    """Splits that score models ("eval", "fv-val"): no randomized spaces, no extra pieces."""
    return split in FEATURED


def room_tones(split: str, wide: bool = False) -> tuple[str, ...]:
    return _pool(split, ROOM_TONE_TRAINING, ROOM_TONE_HELD_OUT, ROOM_TONE_VALIDATION,
                 ROOM_TONE_ADDED if wide else ())

"""The family split, declared in one place: what training may hear and what only evaluation hears.

Whole instrument families, noise textures and room tones are held out, not
only seeds: a model that passes on these has learnt "music", "noise" and
"silence", not the generators it was trained on.  The bowed strings are held
out as a whole category (violin and cello), and one or more families of
every other category.  Nothing here is ever tuned on the held-out side.
"""

from __future__ import annotations

from workbench.training.synth.ambience.textures import NOISE_TEXTURES, ROOM_TONES
from workbench.training.synth.orchestra.families import ALL_FAMILIES, RANDOMIZED_FAMILIES

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


def music_families(split: str, randomized: bool = False) -> tuple[str, ...]:
    """Instrument families of ``split`` ("eval": only the held-out ones); ``randomized``
    adds the randomized instrument spaces outside evaluation."""
    if split == "eval":
        return MUSIC_HELD_OUT
    return MUSIC_TRAINING + (MUSIC_RANDOMIZED if randomized else ())


def noise_textures(split: str, randomized: bool = False) -> tuple[str, ...]:
    if split == "eval":
        return NOISE_HELD_OUT
    return NOISE_TRAINING + (NOISE_RANDOMIZED if randomized else ())


def room_tones(split: str) -> tuple[str, ...]:
    return ROOM_TONE_HELD_OUT if split == "eval" else ROOM_TONE_TRAINING

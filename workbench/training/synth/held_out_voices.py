"""The synthetic voices only evaluation hears, the same for every model.

One list for the classifier, the enhancer and the recognizer: a voice held out by one
model's evaluation is never in another model's training data either, so the three cards
can name one set of unseen voices.
"""

from __future__ import annotations

from workbench.training.synth.speech import (
    ESPEAK,
    ESPEAK_VARIANTS,
    ESPEAK_VOICES,
    FLITE,
    FLITE_VOICES,
    Voice,
)

HELD_OUT_ESPEAK_NAMES = ("en-029", "en-gb-x-gbcwmd")
HELD_OUT_VARIANTS = ("f4", "m3")
HELD_OUT_FLITE = ("awb",)
HELD_OUT_VOICES = HELD_OUT_ESPEAK_NAMES + tuple(f"+{v}" for v in HELD_OUT_VARIANTS) \
    + tuple(f"flite:{v}" for v in HELD_OUT_FLITE)


def voice_pool(split: str) -> list[Voice]:
    """Training voices (splits "train" and "val"), or for "eval" only the held-out ones."""
    held, pool = [], []
    for name in ESPEAK_VOICES:
        for variant in ESPEAK_VARIANTS:
            voice = Voice(ESPEAK, name, variant)
            out = name in HELD_OUT_ESPEAK_NAMES or variant in HELD_OUT_VARIANTS
            (held if out else pool).append(voice)
    for name in FLITE_VOICES:
        (held if name in HELD_OUT_FLITE else pool).append(Voice(FLITE, name))
    return held if split == "eval" else pool


def held_out_voices_text() -> str:
    """The held-out voices in words, for model cards."""
    return (f"espeak-ng voices {', '.join(HELD_OUT_ESPEAK_NAMES)} (all variants), espeak-ng "
            f"variants {', '.join(HELD_OUT_VARIANTS)} (all voices), flite "
            f"{', '.join(HELD_OUT_FLITE)}")

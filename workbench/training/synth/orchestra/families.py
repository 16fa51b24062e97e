"""Every instrument family and percussion kit, with the notes it can play and the parts it takes.

A *family* is one instrument model (``guitar``, ``marimba``, ``violin`` ...);
its *category* (plucked, electric, struck, bowed, blown, keys, synth, kit) is how it
makes sound.  The classifier's recipe decides which families training may use
and which only evaluation hears (``training.classifier.families``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from workbench.training.synth.orchestra import (
    blown,
    bowed,
    electric,
    keys,
    kits,
    plucked,
    randomized,
    struck,
    synths,
)

PARTS = ("bass", "chords", "melody")


@dataclass(frozen=True)
class Family:
    """An instrument family: ``make(rng, sample_rate)`` draws one instrument (a patch)."""

    name: str
    category: str
    make: Callable[[np.random.Generator, int], Callable]
    low_midi: int
    high_midi: int
    parts: tuple[str, ...] = ("chords", "melody")

    def fit(self, midi: int) -> int:
        """``midi`` moved by octaves into this family's range."""
        while midi < self.low_midi:
            midi += 12
        while midi > self.high_midi:
            midi -= 12
        return max(midi, self.low_midi)


_ALL = ("bass", "chords", "melody")
PITCHED: dict[str, Family] = {f.name: f for f in (
    Family("guitar", "plucked", plucked.guitar, 40, 84, _ALL),
    Family("harp", "plucked", plucked.harp, 36, 93, _ALL),
    Family("plucked_bass", "plucked", plucked.plucked_bass, 28, 55, ("bass",)),
    Family("koto", "plucked", plucked.koto, 55, 86),
    Family("bell", "struck", struck.bell, 60, 84, ("melody",)),
    Family("marimba", "struck", struck.marimba, 45, 96),
    Family("vibraphone", "struck", struck.vibraphone, 53, 89),
    Family("glockenspiel", "struck", struck.glockenspiel, 72, 100, ("melody",)),
    Family("piano", "struck", struck.piano, 33, 96, _ALL),
    Family("violin", "bowed", bowed.violin, 55, 96),
    Family("cello", "bowed", bowed.cello, 36, 76, _ALL),
    Family("flute", "blown", blown.flute, 60, 96, ("melody",)),
    Family("clarinet", "blown", blown.clarinet, 50, 89, ("chords", "melody")),
    Family("sax", "blown", blown.sax, 49, 81, ("chords", "melody")),
    Family("brass", "blown", blown.brass, 40, 82, _ALL),
    Family("drawbar_organ", "keys", keys.drawbar_organ, 36, 96, _ALL),
    Family("accordion", "keys", keys.accordion, 48, 88),
    Family("pad", "synth", synths.pad, 40, 84, ("chords",)),
    Family("lead", "synth", synths.lead, 55, 91, ("melody",)),
    Family("synth_bass", "synth", synths.synth_bass, 28, 55, ("bass",)),
    Family("fm_keys", "synth", synths.fm_keys, 40, 90, _ALL),
)}
KITS: dict[str, Callable[[np.random.Generator, int], Callable]] = {
    "acoustic_kit": kits.acoustic_kit,
    "electronic_kit": kits.electronic_kit,
    "hand_percussion": kits.hand_percussion,
}
ALL_FAMILIES = tuple(PITCHED) + tuple(KITS)
# Randomized instrument spaces (``randomized``), not instruments: playable like any family,
# but not in ALL_FAMILIES, whose order also seeds the classifier's evaluation clips.
RANDOMIZED_FAMILIES = ("random_pitched", "random_kit")
PITCHED["random_pitched"] = Family("random_pitched", "randomized", randomized.random_pitched,
                                   28, 96, _ALL)
KITS["random_kit"] = randomized.random_kit
# Families added in session 8: playable like any other, but not in ALL_FAMILIES (whose order
# seeds the evaluation recordings); the classifier's "wide" recipe trains on them.
_ADDED_PITCHED = (
    Family("mandolin", "plucked", plucked.mandolin, 55, 88),
    Family("banjo", "plucked", plucked.banjo, 48, 86, ("chords", "melody")),
    Family("harpsichord", "plucked", plucked.harpsichord, 29, 89, _ALL),
    Family("sitar", "plucked", plucked.sitar, 48, 81, ("melody",)),
    Family("overdriven_guitar", "electric", electric.overdriven_guitar, 40, 84, _ALL),
    Family("electric_bass", "electric", electric.electric_bass, 28, 55, ("bass",)),
    Family("steel_drum", "struck", struck.steel_drum, 55, 88),
    Family("tubular_bells", "struck", struck.tubular_bells, 60, 77, ("melody",)),
    Family("oboe", "blown", blown.oboe, 58, 91, ("melody",)),
    Family("pan_flute", "blown", blown.pan_flute, 60, 93, ("melody",)),
    Family("pipe_organ", "keys", keys.pipe_organ, 36, 96, _ALL),
    Family("chiptune", "synth", synths.chiptune, 36, 96, _ALL),
    Family("supersaw", "synth", synths.supersaw, 40, 88, ("chords", "melody")),
    Family("synth_pluck", "synth", synths.synth_pluck, 40, 91, ("chords", "melody")),
)
_ADDED_KITS = {"orchestral_percussion": kits.orchestral_percussion, "brush_kit": kits.brush_kit}
PITCHED.update((f.name, f) for f in _ADDED_PITCHED)
KITS.update(_ADDED_KITS)
ADDED_FAMILIES = tuple(f.name for f in _ADDED_PITCHED) + tuple(_ADDED_KITS)
# Session 9: music with a test signal's timbre (the classifier's "test-timbre" recipe),
# kept out of both tuples above.
TEST_TIMBRE_FAMILY = "sine_synth"
PITCHED[TEST_TIMBRE_FAMILY] = Family(TEST_TIMBRE_FAMILY, "synth", synths.sine_synth, 40, 96, _ALL)


def category(name: str) -> str:
    """The category of a pitched family or ``"kit"``."""
    return "kit" if name in KITS else PITCHED[name].category


def for_part(part: str, names) -> list[str]:
    """The pitched families among ``names`` that can play ``part``."""
    return [n for n in names if n in PITCHED and part in PITCHED[n].parts]

"""The classifier's second data recipe: many instrument families, noise textures and room tones.

Same classes and labelling rule as the first recipe (``recipe``), with far more
variety and the family split of ``families``:

- speech: the first recipe's voices (held-out voices only in "eval"); 40% over a
  noise texture, 35% over music, at 0-15 dB SNR (most of it 0-10 dB), 25% clean.
  Speech over any background at 0 dB SNR or better is speech.
- music: ``synth.orchestra`` pieces (solo lines to bands, 50-190 bpm, effects,
  mixed levels) from the split's instrument families; 15% the first recipe's
  pieces (training splits only); 25% over a faint noise texture (15-35 dB SNR).
- noise: a texture of the split (``synth.ambience``), 30% two of them mixed.
- tone: the first recipe's tones, 25% over a faint texture.
- silence: digital zero, dither, or room tone (hum and hiss ...) at -90 to -56 dBFS.

``featured`` (evaluation per family) makes a music family play in every piece,
or a noise texture lead every noise, including the backgrounds under speech.

The "randomized" recipe is the same with domain randomization on the training
side only: the randomized pitched instrument and kit join the music pool (30%
and 10% of the pieces feature one), the randomized noise texture joins the
texture pool (a quarter of the noises lead with it), backgrounds included.

The "wide" recipe is the same with the added instrument families, noise
textures and room tones (``families.MUSIC_ADDED`` ...) in the training pools:
more distinct sources, drawn like the others; "wide-music" adds the families and
room tones but not the textures.  The "test-timbre" recipe adds one instrument
with a test signal's timbre (``sine_synth``: sines switched on and off) and
features it in a share of the training pieces, so that music is told from beeps
and DTMF by its pitches and rhythm rather than its timbre.  Scoring splits are
the same for every recipe.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.training.classifier import families, recipe
from workbench.training.classifier.recipe import CLASSES, Clip, colour, speech_track
from workbench.training.synth import mix, tones
from workbench.training.synth.ambience.textures import render_texture
from workbench.training.synth.arrays import finish, frames_for, normalize_rms, rms
from workbench.training.synth.music import random_music
from workbench.training.synth.orchestra.families import ALL_FAMILIES
from workbench.training.synth.orchestra.render import random_piece

NAME = "families"
# The same recipe with the randomized instrument and noise spaces in training (domain
# randomization); its evaluation clips are the families recipe's.
RANDOMIZED_NAME = "randomized"
# The same recipe with the added families, textures and room tones in training; or with
# the added families and room tones only.
WIDE_NAME = "wide"
WIDE_MUSIC_NAME = "wide-music"
# The same recipe with music in a test signal's timbre in training.
TEST_TIMBRE_NAME = "test-timbre"
# Share of training pieces that feature the sine synth in the "test-timbre" recipe.
TEST_TIMBRE_SHARE = 0.2
SILENCE_LEVELS_DB = (-90.0, -56.0)
SPEECH_SNR_DB = (0.0, 15.0)
_STREAM = {"train": 211, "val": 253, "eval": 297, "fv-train": 227, "fv-val": 271}
# Outside evaluation: shares of pieces featuring a randomized instrument space, and of
# noises led by the randomized texture (``synth.orchestra.randomized``, ``ambience.randomized``).
RANDOMIZED_MUSIC_SHARE = {"random_pitched": 0.3, "random_kit": 0.1}
RANDOMIZED_NOISE_SHARE = 0.25


@dataclass(frozen=True)
class Pools:
    """What a recipe adds to the training pools; scoring splits never hear either."""

    randomized: bool = False  # the randomized instrument and noise spaces
    added_music: bool = False  # the added instrument families and kits
    added_noise: bool = False  # the added noise textures (backgrounds included)
    added_room_tones: bool = False
    test_timbre: bool = False  # the sine synth, featured in a share of the pieces


FAMILIES_POOLS = Pools()


def silence_gate_dbfs(recipe_name: str) -> float:
    """The labelling rule as a level gate (`ml.classifier.task.level_gate`): midway, in dB,
    between the loudest room tone the recipe calls silence and the quietest sound it plays.
    Levels in between are never trained on, so the network's answer there is a guess."""
    loudest_silence = recipe.SILENCE_LEVELS_DB[1] if recipe_name == "first" else SILENCE_LEVELS_DB[1]
    return (loudest_silence + recipe.SOUND_LEVELS_DB[0]) / 2


def clip_rng(split: str, label: str, index: int, featured: str | None = None) -> np.random.Generator:
    """Disjoint seed streams per split, class and featured family."""
    extra = [] if featured is None else [1 + _featured_index(featured)]
    return np.random.default_rng([_STREAM[split], CLASSES.index(label), index, *extra])


def _featured_index(name: str) -> int:
    names = ALL_FAMILIES + families.NOISE_HELD_OUT + families.NOISE_TRAINING
    if name not in names:
        raise ValueError(f"unknown family or texture {name!r}")
    return names.index(name)


def noise_clip(rng, split, sample_rate, duration_s, featured=None,
               pools: Pools = FAMILIES_POOLS) -> tuple[np.ndarray, str]:
    """A noise texture of the split (``featured`` first), sometimes with a second one.

    ``pools.randomized`` (never in evaluation): a quarter of the noises lead with the
    randomized texture, which may also be the second one.
    """
    randomized = pools.randomized and not families.is_scoring(split)
    pool = families.noise_textures(split, randomized, pools.added_noise)
    n = frames_for(duration_s, sample_rate)
    if featured in pool:
        kind = featured
    elif randomized and rng.random() < RANDOMIZED_NOISE_SHARE:
        kind = "random_texture"
    else:
        kind = str(rng.choice(pool))
    audio = render_texture(kind, rng, sample_rate, n)
    if rng.random() < 0.3:
        other = str(rng.choice(pool))
        audio = audio + 10 ** (rng.uniform(-12.0, 0.0) / 20) * render_texture(other, rng, sample_rate, n)
        kind = f"{kind}+{other}"
    return audio, kind


def music_clip(rng, split, sample_rate, duration_s, featured=None,
               pools: Pools = FAMILIES_POOLS) -> tuple[np.ndarray, str]:
    """A piece played by the split's instrument families (``featured`` always plays).

    ``pools.randomized`` (never in evaluation) adds the randomized instrument spaces to
    the pool and features them in a share of the pieces.
    """
    randomized = pools.randomized and not families.is_scoring(split)
    test_timbre = pools.test_timbre and not families.is_scoring(split)
    pool = families.music_families(split, randomized, pools.added_music, test_timbre)
    if featured not in pool:
        featured = None
        if not families.is_scoring(split) and rng.random() < 0.15:
            return random_music(rng, sample_rate, duration_s), "first-recipe piece"
        if test_timbre and rng.random() < TEST_TIMBRE_SHARE:
            featured = families.MUSIC_TEST_TIMBRE[0]
        elif randomized:
            # Domain randomization: many pieces feature a randomized instrument or kit.
            draw = rng.random()
            if draw < RANDOMIZED_MUSIC_SHARE["random_pitched"]:
                featured = "random_pitched"
            elif draw < sum(RANDOMIZED_MUSIC_SHARE.values()):
                featured = "random_kit"
    return random_piece(rng, sample_rate, duration_s, pool, featured)


def speech_snr_db(rng: np.random.Generator) -> float:
    """SNR of speech over a background.  Low SNRs are the hard, common case: two thirds of
    the mixes sit at 0-10 dB, the rest anywhere in ``SPEECH_SNR_DB``."""
    return float(rng.uniform(0.0, 10.0) if rng.random() < 0.67 else rng.uniform(*SPEECH_SNR_DB))


def _speech(rng, split, sample_rate, duration_s, featured, pools) -> tuple[np.ndarray, str]:
    audio = speech_track(rng, split, frames_for(duration_s, sample_rate), sample_rate)
    choice = rng.random()
    if featured in families.noise_textures(split):
        choice = min(choice, 0.39) if choice < 0.75 else choice
    elif featured is not None:
        choice = 0.4 + 0.35 * choice if choice < 0.75 else choice
    if choice >= 0.75 or rms(audio) == 0.0:
        return audio, "clean"
    make = noise_clip if choice < 0.4 else music_clip
    background, kind = make(rng, split, sample_rate, duration_s, featured, pools)
    snr = speech_snr_db(rng)
    return mix.mix_at_snr(audio, background, snr), f"over {kind} at {snr:.0f} dB"


def _faint(rng, split, audio, sample_rate, duration_s, chance,
           pools) -> tuple[np.ndarray, str]:
    if rng.random() >= chance or rms(audio) == 0.0:
        return audio, ""
    background, kind = noise_clip(rng, split, sample_rate, duration_s, pools=pools)
    snr = float(rng.uniform(15.0, 35.0))
    return mix.mix_at_snr(audio, background, snr), f" over {kind} at {snr:.0f} dB"


def silence_clip(rng, split, sample_rate, duration_s,
                 pools: Pools = FAMILIES_POOLS) -> tuple[np.ndarray, str]:
    n = frames_for(duration_s, sample_rate)
    choice = rng.random()
    if choice < 0.1:
        return np.zeros(n, dtype=np.float32), "digital zero"
    if choice < 0.2:
        lsb = 1.0 / 32768
        return ((rng.random(n) - rng.random(n)) * lsb).astype(np.float32), "dither"
    kind = str(rng.choice(families.room_tones(split, pools.added_room_tones)))
    level = float(rng.uniform(*SILENCE_LEVELS_DB))
    return normalize_rms(render_texture(kind, rng, sample_rate, n), level), \
        f"{kind} room tone at {level:.0f} dBFS"


def synthesize_clip(label: str, split: str, index: int, sample_rate: int = 16000,
                    duration_s: float = 6.0, featured: str | None = None,
                    pools: Pools = FAMILIES_POOLS) -> Clip:
    """Clip ``index`` of ``label`` for ``split``; the same arguments give the same audio.

    Sounds come out at -20 dBFS RMS; silence keeps its own level.  ``pools`` (the
    "randomized" and "wide" recipes) adds sources to training and validation clips;
    scoring clips are the same either way.
    """
    if label not in CLASSES:
        raise ValueError(f"unknown class {label!r}; use one of {CLASSES}")
    rng = clip_rng(split, label, index, featured)
    if label == "silence":
        audio, detail = silence_clip(rng, split, sample_rate, duration_s, pools)
        return Clip(label, finish(audio), detail)
    if label == "speech":
        audio, detail = _speech(rng, split, sample_rate, duration_s, featured, pools)
    elif label == "music":
        audio, detail = music_clip(rng, split, sample_rate, duration_s, featured, pools)
        audio, faint = _faint(rng, split, audio, sample_rate, duration_s, 0.25, pools)
        detail += faint
    elif label == "noise":
        audio, detail = noise_clip(rng, split, sample_rate, duration_s, featured, pools)
    else:
        audio = tones.random_tone(rng, sample_rate, duration_s)
        audio, faint = _faint(rng, split, audio, sample_rate, duration_s, 0.25, pools)
        detail = "tone" + faint
    audio = colour(rng, np.asarray(audio, dtype=np.float32), sample_rate)
    return Clip(label, normalize_rms(audio, -20.0, max_peak_db=-1.0), detail)


def synthesize_randomized_clip(label: str, split: str, index: int, sample_rate: int = 16000,
                               duration_s: float = 6.0, featured: str | None = None) -> Clip:
    """The "randomized" recipe: ``synthesize_clip`` with the randomized spaces."""
    return synthesize_clip(label, split, index, sample_rate, duration_s, featured,
                           Pools(randomized=True))


def synthesize_wide_clip(label: str, split: str, index: int, sample_rate: int = 16000,
                         duration_s: float = 6.0, featured: str | None = None) -> Clip:
    """The "wide" recipe: ``synthesize_clip`` with the added families, textures and room tones."""
    return synthesize_clip(label, split, index, sample_rate, duration_s, featured,
                           Pools(added_music=True, added_noise=True, added_room_tones=True))


def synthesize_wide_music_clip(label: str, split: str, index: int, sample_rate: int = 16000,
                               duration_s: float = 6.0, featured: str | None = None) -> Clip:
    """The "wide-music" recipe: the added families and room tones, not the added textures."""
    return synthesize_clip(label, split, index, sample_rate, duration_s, featured,
                           Pools(added_music=True, added_room_tones=True))


def synthesize_test_timbre_clip(label: str, split: str, index: int, sample_rate: int = 16000,
                                duration_s: float = 6.0, featured: str | None = None) -> Clip:
    """The "test-timbre" recipe: ``synthesize_clip`` with the sine synth in training music."""
    return synthesize_clip(label, split, index, sample_rate, duration_s, featured,
                           Pools(test_timbre=True))


RECIPES = {"first": recipe.synthesize_clip, NAME: synthesize_clip,
           RANDOMIZED_NAME: synthesize_randomized_clip, WIDE_NAME: synthesize_wide_clip,
           WIDE_MUSIC_NAME: synthesize_wide_music_clip,
           TEST_TIMBRE_NAME: synthesize_test_timbre_clip}

"""What each sound class is made of: the classifier's data recipe.

One clip holds one class for its whole length.  The rules (the model card
repeats them):

- speech: one or two synthetic voices (espeak-ng and flite), sentences with
  short pauses; alone, over a noise of any kind (babble included) at 0-20 dB
  SNR, or over music at 5-20 dB SNR.  Speech over a background stays speech.
- music: synthetic pieces (chords, melody, bass, drums), sometimes over a
  faint noise (15-35 dB SNR).
- noise: white, pink, brown, babble, hum, fan, keyboard, rain, alone or two
  kinds together.
- tone: steady tones, beeps, DTMF, sweeps, sirens, sometimes over a faint
  noise (15-35 dB SNR).
- silence: digital zero, dither, or room tone at -90 to -62 dBFS RMS.

Every clip but silence then gets a random room (reverb) and microphone EQ,
each half the time; levels are set later, per training window.

Held out for evaluation: the generator seeds (a separate seed stream) and five
voices never used in training (`HELD_OUT_VOICES`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.training.synth import mix, noise, room, tones
from workbench.training.synth.arrays import finish, frames_for, normalize_rms, rms
from workbench.training.synth.held_out_voices import (  # noqa: F401 (the recipe's voices)
    HELD_OUT_ESPEAK_NAMES,
    HELD_OUT_FLITE,
    HELD_OUT_VARIANTS,
    HELD_OUT_VOICES,
    voice_pool,
)
from workbench.training.synth.music import random_music
from workbench.training.synth.speech import (
    ESPEAK,
    FLITE,
    Voice,
    random_params,
    synthesize_speech,
)
from workbench.training.synth.text import random_sentence

CLASSES = ("speech", "music", "noise", "tone", "silence")
SPLITS = ("train", "val", "eval")
# Room tone quieter than this is silence; recordings of the other classes sit at
# -48 to -10 dBFS RMS (training levels), so there is a margin between the two.
SILENCE_LEVELS_DB = (-90.0, -62.0)
SOUND_LEVELS_DB = (-48.0, -10.0)
# "val" uses training voices on its own seeds: it picks nothing, it only shows progress.
_SPLIT_STREAM = {"train": 11, "val": 53, "eval": 97}


@dataclass(frozen=True)
class Clip:
    """One synthesized clip of a single class (float32 mono, levels not yet set)."""

    label: str
    audio: np.ndarray
    detail: str


def clip_rng(split: str, label: str, index: int) -> np.random.Generator:
    """The generator for clip ``index`` of ``label`` in ``split``: disjoint streams per split."""
    return np.random.default_rng([_SPLIT_STREAM[split], CLASSES.index(label), index])


def _pick_voice(rng: np.random.Generator, voices: list[Voice]) -> Voice:
    # flite has few voices: give it a fair share of clips anyway.
    flite = [v for v in voices if v.engine == FLITE]
    if flite and rng.random() < 0.3:
        return flite[int(rng.integers(len(flite)))]
    espeak = [v for v in voices if v.engine == ESPEAK]
    return espeak[int(rng.integers(len(espeak)))]


def speech_track(rng: np.random.Generator, split: str, frames: int, sample_rate: int) -> np.ndarray:
    """Sentences from one or two voices taking turns, with 0.1-0.5 s pauses, cut to ``frames``."""
    voices = voice_pool(split)
    speakers = [_pick_voice(rng, voices) for _ in range(1 if rng.random() < 0.7 else 2)]
    params = [random_params(rng) for _ in speakers]
    out, turn = np.zeros(0, dtype=np.float32), 0
    while len(out) < frames:
        clip = synthesize_speech(random_sentence(rng), sample_rate, speakers[turn], params[turn])
        pause = np.zeros(int(rng.uniform(0.1, 0.5) * sample_rate), dtype=np.float32)
        out = np.concatenate([out, pause, clip.audio])
        turn = (turn + 1) % len(speakers)
    start = int(rng.integers(0, max(1, len(out) - frames)))
    return out[start: start + frames]


def _noise(rng: np.random.Generator, sample_rate: int, duration_s: float,
           kinds: tuple[str, ...] = noise.NOISE_KINDS) -> tuple[str, np.ndarray]:
    kind, audio = noise.random_noise(rng, sample_rate, duration_s, kinds=kinds)
    if rng.random() < 0.25:
        other, second = noise.random_noise(rng, sample_rate, duration_s, kinds=kinds)
        gain = 10 ** (rng.uniform(-10.0, 0.0) / 20)
        return f"{kind}+{other}", audio + gain * second
    return kind, audio


def _with_background(rng: np.random.Generator, audio: np.ndarray, background: np.ndarray,
                     snr_range: tuple[float, float]) -> tuple[np.ndarray, float]:
    snr = float(rng.uniform(*snr_range))
    if rms(audio) == 0.0:
        return audio, snr
    return mix.mix_at_snr(audio, background, snr), snr


def _speech(rng, split, sample_rate, duration_s) -> tuple[np.ndarray, str]:
    audio = speech_track(rng, split, frames_for(duration_s, sample_rate), sample_rate)
    choice = rng.random()
    if choice < 0.45:
        kind, background = _noise(rng, sample_rate, duration_s)
        audio, snr = _with_background(rng, audio, background, (0.0, 20.0))
        return audio, f"over {kind} at {snr:.0f} dB"
    if choice < 0.65:
        background = random_music(rng, sample_rate, duration_s)
        audio, snr = _with_background(rng, audio, background, (5.0, 20.0))
        return audio, f"over music at {snr:.0f} dB"
    return audio, "clean"


def _faint_noise(rng, audio, sample_rate, duration_s, chance: float) -> tuple[np.ndarray, str]:
    if rng.random() >= chance:
        return audio, "clean"
    kind, background = _noise(rng, sample_rate, duration_s,
                              kinds=("white", "pink", "brown", "hum", "fan", "rain"))
    audio, snr = _with_background(rng, audio, background, (15.0, 35.0))
    return audio, f"over {kind} at {snr:.0f} dB"


def _silence(rng: np.random.Generator, sample_rate: int, duration_s: float) -> tuple[np.ndarray, str]:
    frames = frames_for(duration_s, sample_rate)
    choice = rng.random()
    if choice < 0.12:
        return np.zeros(frames, dtype=np.float32), "digital zero"
    if choice < 0.24:
        # Triangular dither of one 16-bit step: what a "silent" exported file holds.
        lsb = 1.0 / 32768
        dither = (rng.random(frames) - rng.random(frames)) * lsb
        return dither.astype(np.float32), "dither"
    level = float(rng.uniform(*SILENCE_LEVELS_DB))
    kind, audio = noise.random_noise(rng, sample_rate, duration_s,
                                     kinds=("white", "pink", "brown", "hum", "fan"))
    return normalize_rms(audio, level), f"{kind} room tone at {level:.0f} dBFS"


def colour(rng: np.random.Generator, audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """Random room (half the time) and microphone EQ (half the time)."""
    if rng.random() < 0.5:
        ir = room.reverb_ir(rng, sample_rate, float(rng.uniform(0.15, 0.9)),
                            direct_to_reverb_db=float(rng.uniform(-3.0, 12.0)))
        audio = room.apply_reverb(audio / max(1e-9, float(np.max(np.abs(audio)))), ir)
    if rng.random() < 0.5:
        peak = max(1e-9, float(np.max(np.abs(audio))))
        audio = room.apply_eq(0.25 * audio / peak, room.random_eq(rng, sample_rate, 6.0))
    return audio


def synthesize_clip(label: str, split: str, index: int, sample_rate: int = 16000,
                    duration_s: float = 6.0) -> Clip:
    """Clip ``index`` of class ``label`` for ``split``; the same arguments give the same audio.

    Sounds come out at -20 dBFS RMS (the trainer sets each window's level);
    silence keeps its own near-silent level.
    """
    rng = clip_rng(split, label, index)
    if label == "silence":
        audio, detail = _silence(rng, sample_rate, duration_s)
        return Clip(label, finish(audio), detail)
    if label == "speech":
        audio, detail = _speech(rng, split, sample_rate, duration_s)
    elif label == "music":
        audio, detail = _faint_noise(rng, random_music(rng, sample_rate, duration_s),
                                     sample_rate, duration_s, 0.2)
    elif label == "noise":
        detail, audio = _noise(rng, sample_rate, duration_s)
    elif label == "tone":
        audio, detail = _faint_noise(rng, tones.random_tone(rng, sample_rate, duration_s),
                                     sample_rate, duration_s, 0.25)
    else:
        raise ValueError(f"unknown class {label!r}; use one of {CLASSES}")
    audio = colour(rng, np.asarray(audio, dtype=np.float32), sample_rate)
    return Clip(label, normalize_rms(audio, -20.0, max_peak_db=-1.0), detail)

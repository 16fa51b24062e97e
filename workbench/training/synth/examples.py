"""Ready-made training examples for the three model tasks.

- ``classifier_example``: a clip of one sound class (speech, music, noise,
  tone, silence) with random level, room and EQ.
- ``enhancement_pair``: reverberant or dry speech, the same speech plus noise
  at a random SNR, aligned sample for sample.
- ``recognition_example``: speech and its exact transcript, lightly coloured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.training.synth import mix, noise, room, tones
from workbench.training.synth.arrays import (
    Seed,
    as_generator,
    db_to_gain,
    frames_for,
    normalize_rms,
)
from workbench.training.synth.music import random_music
from workbench.training.synth.speech import ENGINES, random_speech

CLASSES = ("speech", "music", "noise", "tone", "silence")
# Noises for the enhancer: everything but babble, which would teach it to remove speech.
ENHANCEMENT_NOISES = ("white", "pink", "brown", "hum", "fan", "keyboard", "rain")


@dataclass(frozen=True)
class EnhancementPair:
    """``noisy`` = ``clean`` + noise at ``snr_db``; both float32 and the same length."""

    noisy: np.ndarray
    clean: np.ndarray
    snr_db: float
    noise_kind: str


def _speech_filling(rng: np.random.Generator, sample_rate: int, frames: int,
                    engines: tuple[str, ...] = ENGINES) -> np.ndarray:
    """Sentences from one random voice, back to back with short pauses, cut to ``frames``."""
    out = np.zeros(0, dtype=np.float32)
    while len(out) < frames:
        clip = random_speech(rng, sample_rate, engines=engines).audio
        pause = np.zeros(int(rng.uniform(0.1, 0.5) * sample_rate), dtype=np.float32)
        out = np.concatenate([out, pause, clip])
    start = int(rng.integers(0, max(1, len(out) - frames)))
    return out[start: start + frames]


def _colour(rng: np.random.Generator, audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """Random room (half the time) and EQ (half the time), as different microphones would hear it."""
    if rng.random() < 0.5:
        ir = room.reverb_ir(rng, sample_rate, float(rng.uniform(0.15, 0.9)),
                            direct_to_reverb_db=float(rng.uniform(-3.0, 12.0)))
        audio = room.apply_reverb(audio, ir)
    if rng.random() < 0.5:
        audio = room.apply_eq(audio, room.random_eq(rng, sample_rate, max_gain_db=6.0))
    return audio


def classifier_example(seed: Seed, sample_rate: int, duration_s: float = 2.0,
                       label: str | None = None) -> tuple[str, np.ndarray]:
    """A ``(label, audio)`` clip of one class from ``CLASSES`` (random when ``label`` is None).

    Levels vary from -45 to -15 dBFS RMS (silence: near-silent room tone or
    digital zero) so the classifier cannot learn loudness as a shortcut.
    """
    rng = as_generator(seed)
    label = str(rng.choice(CLASSES)) if label is None else label
    frames = frames_for(duration_s, sample_rate)
    if label == "speech":
        audio = _speech_filling(rng, sample_rate, frames)
    elif label == "music":
        audio = random_music(rng, sample_rate, duration_s)
    elif label == "noise":
        audio = noise.random_noise(rng, sample_rate, duration_s)[1]
    elif label == "tone":
        audio = tones.random_tone(rng, sample_rate, duration_s)
    elif label == "silence":
        if rng.random() < 0.2:
            return label, np.zeros(frames, dtype=np.float32)
        quiet = float(rng.uniform(-85.0, -60.0))
        return label, noise.random_noise(rng, sample_rate, duration_s,
                                         kinds=("white", "pink", "brown"), level_db=quiet)[1]
    else:
        raise ValueError(f"unknown class {label!r}; use one of {CLASSES}")
    audio = _colour(rng, audio, sample_rate)
    return label, normalize_rms(audio, float(rng.uniform(-45.0, -15.0)), max_peak_db=-1.0)


def enhancement_pair(seed: Seed, sample_rate: int, duration_s: float = 3.0,
                     snr_range_db: tuple[float, float] = (-5.0, 20.0)) -> EnhancementPair:
    """Speech (the target) and speech plus a random noise at a random SNR, peak-safe together."""
    rng = as_generator(seed)
    frames = frames_for(duration_s, sample_rate)
    clean = _colour(rng, _speech_filling(rng, sample_rate, frames), sample_rate)
    kind, background = noise.random_noise(rng, sample_rate, duration_s, kinds=ENHANCEMENT_NOISES)
    snr = float(rng.uniform(*snr_range_db))
    noisy = mix.mix_at_snr(clean, background, snr)
    gain = db_to_gain(float(rng.uniform(-12.0, 0.0)))
    noisy, clean = mix.fit_peak(noisy * gain, clean * gain, peak=0.99)
    return EnhancementPair(noisy, clean, snr, kind)


def recognition_example(seed: Seed, sample_rate: int, engines: tuple[str, ...] = ENGINES,
                        noise_probability: float = 0.3) -> tuple[np.ndarray, str]:
    """``(audio, transcript)``: one random sentence, sometimes with room, EQ and mild noise."""
    rng = as_generator(seed)
    clip = random_speech(rng, sample_rate, engines=engines)
    pad = np.zeros(int(rng.uniform(0.05, 0.4) * sample_rate), dtype=np.float32)
    audio = _colour(rng, np.concatenate([pad, clip.audio, pad]), sample_rate)
    if rng.random() < noise_probability:
        background = noise.random_noise(rng, sample_rate, len(audio) / sample_rate,
                                        kinds=ENHANCEMENT_NOISES)[1]
        audio = mix.mix_at_snr(audio, background, float(rng.uniform(10.0, 30.0)))
    return mix.fit_peak(audio, peak=0.99)[0], clip.text

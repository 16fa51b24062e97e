"""The enhancer's training data: pools of synthesized speech and noise, mixed on the fly.

Synthesis is the slow part (a speech engine run per sentence, babble is five
voices), so each split's speech and noise are synthesized once into a pool of
``.npz`` shards under the data folder (seeded: the same folder contents come
back every time; a shard that exists is reused, so an interrupted build
resumes).  Mixing is cheap and random per batch: speech is placed with pauses,
coloured (microphone EQ, room reverberation), mixed with one or two noises at
-5..20 dB SNR (sometimes far cleaner), set to a random level and sometimes
clipped.  The target is the coloured speech: the enhancer removes noise, not
the room.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.training.enhancer import recipe
from workbench.training.synth import room
from workbench.training.synth.speech import FLITE, random_params, synthesize_speech
from workbench.training.synth.text import random_sentence

POOL_VERSION = 1
_SHARD = 100
NOISE_SEGMENT_S = 8.0


@dataclass
class SpeechPool:
    """Utterances of one split, each a float32 array at 16 kHz peaking at -3 dBFS."""

    utterances: list[np.ndarray]
    voices: list[str]


def _pick_voice(rng: np.random.Generator, voices: list) -> object:
    flite = [v for v in voices if v.engine == FLITE]
    if flite and rng.random() < 0.3:  # flite has few voices: give it a fair share anyway
        return flite[int(rng.integers(len(flite)))]
    others = [v for v in voices if v.engine != FLITE]
    return others[int(rng.integers(len(others)))]


def _speech_shard(split: str, shard: int) -> tuple[list[np.ndarray], list[str]]:
    voices = recipe.voice_pool(split)
    audio, names = [], []
    for index in range(shard * _SHARD, (shard + 1) * _SHARD):
        rng = recipe.split_rng(split, 0, index)
        voice = _pick_voice(rng, voices)
        clip = synthesize_speech(random_sentence(rng), recipe.SAMPLE_RATE, voice,
                                 random_params(rng))
        audio.append(clip.audio)
        names.append(str(voice))
    return audio, names


def build_speech_pool(folder: Path, split: str, count: int,
                      log: Callable[[str], None] = print) -> SpeechPool:
    """``count`` (rounded up to shards of 100) utterances of ``split``, from ``folder`` or made."""
    folder.mkdir(parents=True, exist_ok=True)
    utterances, voices = [], []
    shards = -(-count // _SHARD)
    for shard in range(shards):
        path = folder / f"speech-{split}-v{POOL_VERSION}-{shard:03d}.npz"
        if not path.exists():
            started = time.perf_counter()
            audio, names = _speech_shard(split, shard)
            lengths = np.array([len(a) for a in audio])
            _save(path, audio=np.concatenate(audio).astype(np.float16), lengths=lengths,
                  voices=np.array(names), seconds=np.array(time.perf_counter() - started))
            log(f"speech {split}: {(shard + 1) * _SHARD} of {shards * _SHARD} utterances")
        with np.load(path) as data:
            cuts = np.cumsum(data["lengths"])[:-1]
            utterances += [a.astype(np.float32) for a in np.split(data["audio"], cuts)]
            voices += [str(v) for v in data["voices"]]
    return SpeechPool(utterances, voices)


def build_noise_pool(folder: Path, split: str, kinds: tuple[str, ...], per_kind: int,
                     log: Callable[[str], None] = print) -> dict[str, np.ndarray]:
    """kind -> (per_kind, frames) float32 segments of 8 s at -20 dBFS RMS."""
    folder.mkdir(parents=True, exist_ok=True)
    pool = {}
    for kind in kinds:
        path = folder / f"noise-{split}-v{POOL_VERSION}-{kind}-{per_kind}.npz"
        if not path.exists():
            started = time.perf_counter()
            segments = [recipe.make_noise(kind, recipe.split_rng(split, 1, _kind_key(kind), i),
                                          recipe.SAMPLE_RATE, NOISE_SEGMENT_S)
                        for i in range(per_kind)]
            _save(path, audio=np.stack(segments).astype(np.float16),
                  seconds=np.array(time.perf_counter() - started))
            log(f"noise {split}: {kind} ({per_kind} segments)")
        with np.load(path) as data:
            pool[kind] = data["audio"].astype(np.float32)
    return pool


def _kind_key(kind: str) -> int:
    return sum(ord(c) * 31 ** i for i, c in enumerate(kind)) % (2 ** 31)


def _save(path: Path, **arrays: np.ndarray) -> None:
    partial = path.with_name(path.name + ".partial.npz")
    np.savez(partial, **arrays)
    partial.replace(path)


def synthesis_seconds(folder: Path) -> float | None:
    """How long the pools in ``folder`` took to synthesize (None if any shard lacks the
    record: pools made before it was kept)."""
    total = 0.0
    for path in sorted(folder.glob(f"*-v{POOL_VERSION}-*.npz")):
        with np.load(path) as data:
            if "seconds" not in data:
                return None
            total += float(data["seconds"])
    return total


@dataclass(frozen=True)
class MixSettings:
    """How training mixtures are made (the card quotes these)."""

    snr_db: tuple[float, float] = (-5.0, 20.0)
    clean_share: float = 0.08        # SNR 20-40 dB or no noise at all
    second_noise_share: float = 0.25
    reverb_share: float = 0.4
    rt60_s: tuple[float, float] = (0.15, 1.0)
    eq_share: float = 0.5
    speech_level_db: tuple[float, float] = (-45.0, -12.0)
    clip_share: float = 0.07


class MixtureSampler:
    """Random (noisy, clean) pairs from a speech pool and a noise pool."""

    def __init__(self, speech: SpeechPool, noises: dict[str, np.ndarray],
                 settings: MixSettings = MixSettings()) -> None:
        self.speech, self.noises, self.settings = speech, noises, settings
        self.kinds = sorted(noises)

    def batch(self, rng: np.random.Generator, size: int, frames: int
              ) -> tuple[np.ndarray, np.ndarray]:
        pairs = [self.pair(rng, frames) for _ in range(size)]
        return (np.stack([p[0] for p in pairs]).astype(np.float32),
                np.stack([p[1] for p in pairs]).astype(np.float32))

    def speech_track(self, rng: np.random.Generator, frames: int) -> np.ndarray:
        """Utterances with 0.1-0.8 s pauses, starting after up to 0.5 s, cut to ``frames``."""
        rate = recipe.SAMPLE_RATE
        out = np.zeros(frames, np.float64)
        at = int(rng.uniform(0.0, 0.5) * rate)
        first = True
        while at < frames:
            utterance = self.speech.utterances[int(rng.integers(len(self.speech.utterances)))]
            if first and rng.random() < 0.5:  # often start in the middle of a sentence
                utterance = utterance[int(rng.integers(len(utterance) // 2 + 1)):]
            first = False
            piece = utterance[:frames - at] * 10 ** (rng.uniform(-6, 0) / 20)
            out[at:at + len(piece)] += piece
            at += len(utterance) + int(rng.uniform(0.1, 0.8) * rate)
        return out

    def noise_track(self, rng: np.random.Generator, frames: int) -> np.ndarray:
        track = self._one_noise(rng, frames)
        if rng.random() < self.settings.second_noise_share:
            track = track + 10 ** (rng.uniform(-10, 0) / 20) * self._one_noise(rng, frames)
        return track

    def _one_noise(self, rng: np.random.Generator, frames: int) -> np.ndarray:
        segments = self.noises[self.kinds[int(rng.integers(len(self.kinds)))]]
        segment = segments[int(rng.integers(len(segments)))]
        start = int(rng.integers(len(segment)))
        return np.resize(np.roll(segment, -start), frames).astype(np.float64)

    def _colour(self, rng: np.random.Generator, audio: np.ndarray, reverb: bool) -> np.ndarray:
        s, rate = self.settings, recipe.SAMPLE_RATE
        if reverb and rng.random() < s.reverb_share:
            ir = room.reverb_ir(rng, rate, float(rng.uniform(*s.rt60_s)),
                                direct_to_reverb_db=float(rng.uniform(-3.0, 15.0)))
            audio = room.convolve(audio, ir)[:len(audio)]
        if rng.random() < s.eq_share:
            from workbench.training.synth import filters
            audio = filters.apply_filters(audio, room.random_eq(rng, rate, 8.0)).astype(
                np.float64)
        return audio

    def pair(self, rng: np.random.Generator, frames: int) -> tuple[np.ndarray, np.ndarray]:
        """One (noisy, clean) pair of ``frames`` samples; clean always holds speech."""
        s = self.settings
        clean = self._colour(rng, self.speech_track(rng, frames), reverb=True)
        speech_rms = np.sqrt(np.mean(clean ** 2)) + 1e-12
        noise = self._colour(rng, self.noise_track(rng, frames), reverb=False)
        noise_rms = np.sqrt(np.mean(noise ** 2)) + 1e-12
        if rng.random() < s.clean_share:
            snr = rng.uniform(20.0, 40.0) if rng.random() < 0.7 else 200.0
        else:
            snr = rng.uniform(*s.snr_db)
        noise = noise * speech_rms / noise_rms * 10 ** (-snr / 20)
        gain = 10 ** (rng.uniform(*s.speech_level_db) / 20) / speech_rms
        clean, noisy = clean * gain, (clean + noise) * gain
        peak = np.max(np.abs(noisy))
        if peak > 0.99:  # keep the mixture in range: scale both down together
            clean, noisy = clean * 0.99 / peak, noisy * 0.99 / peak
        if rng.random() < s.clip_share:
            limit = np.max(np.abs(noisy)) * rng.uniform(0.5, 0.95)
            noisy = np.clip(noisy, -limit, limit)
        return noisy, clean

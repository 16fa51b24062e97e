"""What the enhancer learns from and what is kept from it: voices, noise kinds, seeds.

Speech is espeak-ng and flite only (other engines are reserved for scoring).
Held out from training, heard only by `workbench eval enhancer`:

- voices: espeak-ng en-029 and en-gb-x-gbcwmd (all variants), the variants f4
  and m3 (all voices), flite awb (the same voices the classifier holds out);
- noise kinds: rain and tones (the toolkit's tones, beeps, DTMF, sweeps and
  sirens) and engine (`engine_noise`, written for evaluation only);
- seeds: every split draws from its own seed stream.

Training noises, stationary and not: white, pink, brown, hum (mains with up to
24 harmonics), fan, babble, keyboard, music, clatter and wind
(`clatter_noise`, `wind_noise` below).
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters, noise, tones
from workbench.training.synth.arrays import Seed, as_generator, frames_for, normalize_rms
from workbench.training.synth.held_out_voices import (  # noqa: F401 (the recipe's voices)
    HELD_OUT_VARIANTS,
    held_out_voices_text,
    voice_pool,
)
from workbench.training.synth.music import random_music

SAMPLE_RATE = 16000
TRAIN_NOISES = ("white", "pink", "brown", "hum", "fan", "babble", "keyboard", "music",
                "clatter", "wind")
HELD_OUT_NOISES = ("rain", "engine", "tones")
_SPLIT_STREAM = {"train": 211, "val": 307, "eval": 401}


def split_rng(split: str, *keys: int) -> np.random.Generator:
    """A generator on ``split``'s own seed stream (streams never overlap)."""
    return np.random.default_rng([_SPLIT_STREAM[split], *keys])


def held_out_text() -> str:
    return (f"Voices never heard in training: {held_out_voices_text()}. Noise kinds never "
            "heard in training: "
            f"{', '.join(HELD_OUT_NOISES)}. Evaluation sentences, rooms and noises come from "
            "their own seed stream.")


def _envelope(rng: np.random.Generator, n: int, sample_rate: int, step_s: tuple[float, float],
              depth_db: float) -> np.ndarray:
    """A smooth random gain curve: control points every ``step_s`` seconds, +-depth_db."""
    points, t = [0.0], 0.0
    while t < n / sample_rate:
        t += rng.uniform(*step_s)
        points.append(t)
    values = rng.uniform(-depth_db, depth_db, len(points))
    curve = np.interp(np.arange(n) / sample_rate, points, values)
    kernel = np.hanning(max(3, int(0.1 * sample_rate)))
    curve = np.convolve(curve, kernel / kernel.sum(), mode="same")
    return 10 ** (curve / 20)


def wind_noise(seed: Seed, sample_rate: int, duration_s: float,
               level_db: float = noise.DEFAULT_LEVEL_DB) -> np.ndarray:
    """Wind: low rumbling noise whose level and brightness swell in gusts."""
    rng = as_generator(seed)
    n = frames_for(duration_s, sample_rate)
    low = noise.brown_noise(rng, sample_rate, duration_s)
    low = filters.apply_filters(low, [filters.lowpass(sample_rate, rng.uniform(200, 700), 0.7)])
    bright = noise.pink_noise(rng, sample_rate, duration_s)
    bright = filters.apply_filters(bright, [filters.bandpass(sample_rate, rng.uniform(400, 2000),
                                                             rng.uniform(0.7, 2.0))])
    gusts = _envelope(rng, n, sample_rate, (0.3, 1.5), 12.0)
    whistle = _envelope(rng, n, sample_rate, (0.2, 0.8), 15.0)
    out = low / (np.std(low) + 1e-12) * gusts + 0.4 * bright / (np.std(bright) + 1e-12) * whistle
    return normalize_rms(out, level_db)


def clatter_noise(seed: Seed, sample_rate: int, duration_s: float,
                  level_db: float = noise.DEFAULT_LEVEL_DB) -> np.ndarray:
    """Dishes and cutlery: ringing metallic and ceramic impacts at random times."""
    rng = as_generator(seed)
    n = frames_for(duration_s, sample_rate)
    out = 1e-4 * rng.standard_normal(n)
    rate = rng.uniform(2.0, 12.0)
    time = rng.exponential(1 / rate)
    top = 0.45 * sample_rate
    while time < duration_s:
        length = int(rng.uniform(0.05, 0.4) * sample_rate)
        t = np.arange(length) / sample_rate
        hit = np.zeros(length)
        for _ in range(int(rng.integers(2, 6))):
            freq = min(top, float(np.exp(rng.uniform(np.log(700), np.log(7000)))))
            hit += rng.uniform(0.3, 1.0) * np.sin(2 * np.pi * freq * t + rng.uniform(0, 6.3)) \
                * np.exp(-t / rng.uniform(0.01, 0.15))
        click = rng.standard_normal(min(length, 80)) * np.exp(-np.arange(min(length, 80)) / 15)
        hit[:len(click)] += click
        start = int(time * sample_rate)
        stop = min(n, start + length)
        out[start:stop] += rng.pareto(2.0) * hit[:stop - start]
        time += rng.exponential(1 / rate)
    return normalize_rms(out, level_db)


def engine_noise(seed: Seed, sample_rate: int, duration_s: float,
                 level_db: float = noise.DEFAULT_LEVEL_DB) -> np.ndarray:
    """A running engine (evaluation only): firing harmonics whose speed drifts, plus rumble."""
    rng = as_generator(seed)
    n = frames_for(duration_s, sample_rate)
    t = np.arange(n) / sample_rate
    f0 = rng.uniform(25.0, 70.0) * _envelope(rng, n, sample_rate, (0.8, 2.5), 2.5)
    phase = 2 * np.pi * np.cumsum(f0) / sample_rate
    tone = sum(rng.uniform(0.2, 1.0) / k ** 0.7 * np.sin(k * phase + rng.uniform(0, 6.3))
               for k in range(1, 30) if k * f0.max() < 0.45 * sample_rate)
    rumble = noise.brown_noise(rng, sample_rate, duration_s)
    rumble = filters.apply_filters(rumble, [filters.lowpass(sample_rate, 900.0, 0.7)])
    mix = tone / (np.std(tone) + 1e-12) + 0.7 * rumble / (np.std(rumble) + 1e-12)
    mix *= 1 + 0.1 * np.sin(2 * np.pi * rng.uniform(2, 8) * t)
    return normalize_rms(mix, level_db)


def make_noise(kind: str, seed: Seed, sample_rate: int, duration_s: float) -> np.ndarray:
    """One noise of ``kind`` (training or held-out) at -20 dBFS RMS."""
    rng = as_generator(seed)
    if kind == "hum":
        return noise.mains_hum(rng, sample_rate, duration_s, harmonics=int(rng.integers(3, 25)))
    if kind == "music":
        return normalize_rms(random_music(rng, sample_rate, duration_s), -20.0)
    if kind == "tones":
        return normalize_rms(tones.random_tone(rng, sample_rate, duration_s), -20.0)
    own = {"wind": wind_noise, "clatter": clatter_noise, "engine": engine_noise}
    if kind in own:
        return own[kind](rng, sample_rate, duration_s)
    return noise.random_noise(rng, sample_rate, duration_s, kinds=(kind,))[1]

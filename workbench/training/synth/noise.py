"""Background noises: coloured noise, babble, mains hum, fan, keyboard and rain.

Every generator returns mono float32 at an RMS level of ``level_db`` dBFS
(default -20 dBFS), so mixtures are set by SNR rather than by each
generator's own loudness.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.arrays import Seed, as_generator, frames_for, normalize_rms
from workbench.training.synth.speech import random_speech

DEFAULT_LEVEL_DB = -20.0
NOISE_KINDS = ("white", "pink", "brown", "babble", "hum", "fan", "keyboard", "rain")


def _shaped_noise(n: int, sample_rate: int, rng: np.random.Generator, exponent: float,
                  floor_hz: float = 20.0) -> np.ndarray:
    """Gaussian noise whose power spectrum falls as ``1 / f**exponent``.

    Shaping the spectrum directly gives the exact slope at every frequency; the
    slope is held flat below ``floor_hz`` so inaudible rumble does not swamp the level.
    """
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / sample_rate)
    spectrum *= np.maximum(freqs, floor_hz) ** (-exponent / 2.0)
    spectrum[0] = 0.0
    return np.fft.irfft(spectrum, n)


def white_noise(seed: Seed, sample_rate: int, duration_s: float,
                level_db: float = DEFAULT_LEVEL_DB) -> np.ndarray:
    """Gaussian white noise (flat spectrum)."""
    rng = as_generator(seed)
    return normalize_rms(rng.standard_normal(frames_for(duration_s, sample_rate)), level_db)


def pink_noise(seed: Seed, sample_rate: int, duration_s: float,
               level_db: float = DEFAULT_LEVEL_DB) -> np.ndarray:
    """Pink noise: power falls 3 dB per octave (equal energy per octave)."""
    n = frames_for(duration_s, sample_rate)
    return normalize_rms(_shaped_noise(n, sample_rate, as_generator(seed), 1.0), level_db)


def brown_noise(seed: Seed, sample_rate: int, duration_s: float,
                level_db: float = DEFAULT_LEVEL_DB) -> np.ndarray:
    """Brown (red) noise: power falls 6 dB per octave, like integrated white noise."""
    n = frames_for(duration_s, sample_rate)
    return normalize_rms(_shaped_noise(n, sample_rate, as_generator(seed), 2.0), level_db)


def mains_hum(seed: Seed, sample_rate: int, duration_s: float, mains_hz: float | None = None,
              harmonics: int = 6, level_db: float = DEFAULT_LEVEL_DB) -> np.ndarray:
    """Electrical hum at 50 or 60 Hz (random when ``mains_hz`` is None) with decaying harmonics.

    Odd harmonics are stronger than even ones, as in transformer and ground-loop hum.
    """
    rng = as_generator(seed)
    base = float(rng.choice([50.0, 60.0])) if mains_hz is None else float(mains_hz)
    t = np.arange(frames_for(duration_s, sample_rate)) / sample_rate
    hum = np.zeros_like(t)
    for k in range(1, harmonics + 1):
        if k * base >= sample_rate / 2:
            break
        amplitude = (0.6 if k % 2 else 0.3) ** (k - 1) * rng.uniform(0.7, 1.0)
        hum += amplitude * np.sin(2 * np.pi * k * base * t + rng.uniform(0, 2 * np.pi))
    hum += 0.002 * rng.standard_normal(len(t))  # a faint hiss keeps it from sounding synthetic
    return normalize_rms(hum, level_db)


def fan_noise(seed: Seed, sample_rate: int, duration_s: float,
              level_db: float = DEFAULT_LEVEL_DB) -> np.ndarray:
    """Fan / HVAC noise: low-passed broadband rush, a blade-pass tone and slow swelling."""
    rng = as_generator(seed)
    n = frames_for(duration_s, sample_rate)
    t = np.arange(n) / sample_rate
    rush = _shaped_noise(n, sample_rate, rng, 1.0)
    cutoff = min(rng.uniform(500.0, 1500.0), 0.4 * sample_rate)
    rush = filters.apply_filters(rush, [filters.lowpass(sample_rate, cutoff, 0.6),
                                        filters.highpass(sample_rate, 30.0)])
    rush /= np.std(rush)
    blade_hz = rng.uniform(60.0, 160.0)
    blades = sum(0.12 / k * np.sin(2 * np.pi * k * blade_hz * t + rng.uniform(0, 2 * np.pi))
                 for k in (1, 2, 3))
    swell = 1.0 + 0.08 * np.sin(2 * np.pi * rng.uniform(0.1, 0.5) * t + rng.uniform(0, 2 * np.pi))
    return normalize_rms((rush + blades) * swell, level_db)


def _decaying_burst(rng: np.random.Generator, sample_rate: int, length_s: float,
                    decay_s: float) -> np.ndarray:
    n = max(2, int(length_s * sample_rate))
    t = np.arange(n) / sample_rate
    return rng.standard_normal(n) * np.exp(-t / decay_s)


def keyboard_clicks(seed: Seed, sample_rate: int, duration_s: float,
                    level_db: float = DEFAULT_LEVEL_DB) -> np.ndarray:
    """Typing: bursts of key clicks (bright tick plus a dull thock) with pauses between words."""
    rng = as_generator(seed)
    n = frames_for(duration_s, sample_rate)
    out = np.zeros(n)
    tick_band = filters.bandpass(sample_rate, min(rng.uniform(2000, 4000), 0.4 * sample_rate), 1.5)
    thock_band = filters.bandpass(sample_rate, rng.uniform(150, 400), 2.0)
    time = rng.uniform(0.0, 0.2)
    while time < duration_s:
        start = int(time * sample_rate)
        tick = filters.apply_filters(_decaying_burst(rng, sample_rate, 0.015, 0.002), [tick_band])
        thock = filters.apply_filters(_decaying_burst(rng, sample_rate, 0.04, 0.008), [thock_band])
        click = 0.8 * thock
        click[: len(tick)] += tick
        click *= rng.uniform(0.4, 1.0)
        stop = min(n, start + len(click))
        out[start:stop] += click[: stop - start]
        # Key presses come every 80-250 ms, with a longer pause after a "word".
        time += rng.uniform(0.08, 0.25) + (rng.uniform(0.2, 0.6) if rng.random() < 0.15 else 0.0)
    out += 1e-4 * rng.standard_normal(n)  # room tone between keys
    return normalize_rms(out, level_db)


def rain_noise(seed: Seed, sample_rate: int, duration_s: float, drops_per_s: float | None = None,
               level_db: float = DEFAULT_LEVEL_DB) -> np.ndarray:
    """Rain: a dense crackle of droplet impacts over a high-passed hiss."""
    rng = as_generator(seed)
    n = frames_for(duration_s, sample_rate)
    rate = rng.uniform(300.0, 1500.0) if drops_per_s is None else drops_per_s
    impulses = np.zeros(n)
    positions = rng.integers(0, n, size=rng.poisson(rate * n / sample_rate))
    # Heavy-tailed amplitudes: most drops are faint, a few are loud pops.
    np.add.at(impulses, positions, rng.choice([-1.0, 1.0], len(positions))
              * rng.pareto(2.5, len(positions)))
    kernel = _decaying_burst(rng, sample_rate, 0.004, 0.0008)
    crackle = np.convolve(impulses, kernel)[:n]
    crackle = filters.apply_filters(crackle, [filters.highpass(sample_rate, min(1500.0, 0.3 * sample_rate))])
    hiss = filters.apply_filters(_shaped_noise(n, sample_rate, rng, 0.5),
                                 [filters.highpass(sample_rate, min(800.0, 0.2 * sample_rate))])
    mix = crackle / (np.std(crackle) + 1e-12) + 0.5 * hiss / (np.std(hiss) + 1e-12)
    return normalize_rms(mix, level_db)


def babble_noise(seed: Seed, sample_rate: int, duration_s: float, talkers: int | None = None,
                 level_db: float = DEFAULT_LEVEL_DB) -> np.ndarray:
    """Crowd babble: several random voices speaking random sentences at once."""
    rng = as_generator(seed)
    n = frames_for(duration_s, sample_rate)
    count = int(rng.integers(4, 8)) if talkers is None else talkers
    out = np.zeros(n)
    for _ in range(count):
        track = np.zeros(0, dtype=np.float32)
        offset = int(rng.uniform(0.0, 1.0) * sample_rate)  # talkers do not start together
        while len(track) < n + offset:
            track = np.concatenate([track, random_speech(rng, sample_rate).audio,
                                    np.zeros(int(rng.uniform(0.05, 0.3) * sample_rate), np.float32)])
        out += rng.uniform(0.5, 1.0) * track[offset: offset + n]
    return normalize_rms(out, level_db)


def random_noise(seed: Seed, sample_rate: int, duration_s: float,
                 kinds: tuple[str, ...] = NOISE_KINDS, level_db: float = DEFAULT_LEVEL_DB
                 ) -> tuple[str, np.ndarray]:
    """One noise of a random kind from ``kinds``; returns ``(kind, audio)``."""
    rng = as_generator(seed)
    kind = str(rng.choice(list(kinds)))
    makers = {"white": white_noise, "pink": pink_noise, "brown": brown_noise,
              "babble": babble_noise, "hum": mains_hum, "fan": fan_noise,
              "keyboard": keyboard_clicks, "rain": rain_noise}
    if kind not in makers:
        raise ValueError(f"unknown noise kind {kind!r}; use some of {NOISE_KINDS}")
    return kind, makers[kind](rng, sample_rate, duration_s, level_db=level_db)

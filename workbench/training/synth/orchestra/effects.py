"""Effects for parts and mixes: reverb, chorus, echo, distortion and EQ.

Each takes float64 mono samples and a Generator and returns samples of the
same length; ``random_chain`` picks a plausible mix of them.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters, room


def reverb(audio: np.ndarray, rng: np.random.Generator, sample_rate: int) -> np.ndarray:
    """A room to a large hall (RT60 0.3-2.5 s), 20-60% wet."""
    ir = room.reverb_ir(rng, sample_rate, float(rng.uniform(0.3, 2.5)),
                        direct_to_reverb_db=float(rng.uniform(-3.0, 10.0)))
    wet = room.convolve(audio, ir)[: len(audio)]
    mix = float(rng.uniform(0.2, 0.6))
    return (1 - mix) * audio + mix * wet * (np.std(audio) / (np.std(wet) + 1e-12))


def chorus(audio: np.ndarray, rng: np.random.Generator, sample_rate: int) -> np.ndarray:
    """One or two copies delayed 10-25 ms, the delay swinging slowly by a few ms."""
    n = len(audio)
    t = np.arange(n) / sample_rate
    out = audio.copy()
    for _ in range(int(rng.integers(1, 3))):
        delay = rng.uniform(0.010, 0.025) + rng.uniform(0.001, 0.004) \
            * np.sin(2 * np.pi * rng.uniform(0.2, 1.5) * t + rng.uniform(0, 6.3))
        out += 0.6 * np.interp(np.arange(n) - delay * sample_rate, np.arange(n), audio, left=0.0)
    return out / 1.4


def echo(audio: np.ndarray, rng: np.random.Generator, sample_rate: int) -> np.ndarray:
    """A feedback delay: 2-4 repeats 120-500 ms apart, each quieter."""
    out = audio.copy()
    delay = int(rng.uniform(0.12, 0.5) * sample_rate)
    feedback = float(rng.uniform(0.25, 0.55))
    for k in range(1, int(rng.integers(2, 5)) + 1):
        if k * delay >= len(audio):
            break
        out[k * delay:] += feedback ** k * audio[: len(audio) - k * delay]
    return out


def distortion(audio: np.ndarray, rng: np.random.Generator, sample_rate: int) -> np.ndarray:
    """Overdrive (tanh) or hard clipping, then a tone control (low-pass)."""
    x = audio / (np.max(np.abs(audio)) + 1e-12)
    drive = float(rng.uniform(2.0, 20.0))
    shaped = np.tanh(drive * x) if rng.random() < 0.7 else np.clip(drive * x, -1.0, 1.0)
    tone = filters.lowpass(sample_rate, float(rng.uniform(2500.0, 0.42 * sample_rate)))
    return filters.apply_filters(shaped, [tone]).astype(np.float64) * np.std(audio) / (np.std(shaped) + 1e-12)


def equalize(audio: np.ndarray, rng: np.random.Generator, sample_rate: int) -> np.ndarray:
    """A random shelf-and-peaks EQ of up to 9 dB."""
    return filters.apply_filters(audio, room.random_eq(rng, sample_rate, 9.0)).astype(np.float64)


EFFECTS = {"reverb": reverb, "chorus": chorus, "echo": echo, "distortion": distortion,
           "eq": equalize}


def random_chain(rng: np.random.Generator, chances: dict[str, float]) -> list[str]:
    """Effect names, each kept with its chance, in a fixed signal order (distortion first)."""
    order = ("distortion", "chorus", "eq", "echo", "reverb")
    return [name for name in order if rng.random() < chances.get(name, 0.0)]


def apply_chain(audio: np.ndarray, names: list[str], rng: np.random.Generator,
                sample_rate: int) -> np.ndarray:
    for name in names:
        audio = EFFECTS[name](audio, rng, sample_rate)
    return audio

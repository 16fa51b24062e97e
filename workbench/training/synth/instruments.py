"""Note and drum voices for the music generator: additive, plucked and percussive.

Each function renders one event as mono float64 samples starting at time 0;
``music.render_piece`` places and mixes them.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters

# Additive timbres: relative amplitude of harmonics 1..n, how fast the note
# dies away (seconds to -60 dB; None = sustained), attack time, and how much
# faster the upper harmonics die (bells and pianos darken as they ring).
ADDITIVE_TIMBRES: dict[str, dict] = {
    "organ": {"harmonics": (1.0, 0.6, 0.35, 0.25, 0.12, 0.08), "decay_s": None, "attack_s": 0.01},
    "epiano": {"harmonics": (1.0, 0.35, 0.12, 0.06, 0.03), "decay_s": 1.6, "attack_s": 0.004,
               "darkening": 1.8},
    "bell": {"harmonics": (1.0, 0.0, 0.5, 0.0, 0.3, 0.0, 0.15), "decay_s": 2.5, "attack_s": 0.002,
             "darkening": 2.5},
    "pad": {"harmonics": (1.0, 0.5, 0.33, 0.25, 0.2, 0.16), "decay_s": None, "attack_s": 0.25},
    "lead": {"harmonics": (1.0, 0.0, 0.33, 0.0, 0.2, 0.0, 0.14), "decay_s": None, "attack_s": 0.02},
}
PLUCKED = ("pluck", "bass")
INSTRUMENTS = tuple(ADDITIVE_TIMBRES) + PLUCKED
DRUMS = ("kick", "snare", "hat")


def midi_to_hz(midi: float) -> float:
    """Equal-tempered frequency of a MIDI note number (69 = A4 = 440 Hz)."""
    return 440.0 * 2.0 ** ((midi - 69.0) / 12.0)


def _release(envelope: np.ndarray, sample_rate: int, release_s: float) -> np.ndarray:
    n = min(len(envelope), int(release_s * sample_rate))
    if n > 0:
        envelope[-n:] *= np.linspace(1.0, 0.0, n)
    return envelope


def additive_note(timbre: str, frequency_hz: float, duration_s: float, sample_rate: int,
                  rng: np.random.Generator) -> np.ndarray:
    """One note of an additive ``timbre`` (see ``ADDITIVE_TIMBRES``)."""
    spec = ADDITIVE_TIMBRES[timbre]
    n = max(2, int(duration_s * sample_rate))
    t = np.arange(n) / sample_rate
    out = np.zeros(n)
    # Two slightly detuned copies give the slow beating of real instruments.
    for detune in (1.0, 1.0 + rng.uniform(0.0005, 0.002)):
        for k, amplitude in enumerate(spec["harmonics"], start=1):
            if amplitude == 0.0 or k * frequency_hz * detune >= sample_rate / 2:
                continue
            partial = amplitude * np.sin(2 * np.pi * k * frequency_hz * detune * t
                                         + rng.uniform(0, 2 * np.pi))
            if spec["decay_s"] is not None:
                decay = spec["decay_s"] / (1.0 + spec.get("darkening", 0.0) * (k - 1))
                partial *= np.exp(-6.9 * t / decay)
            out += partial
    attack = np.minimum(1.0, t / spec["attack_s"])
    return _release(out * attack, sample_rate, min(0.08, duration_s / 3)) / 2.0


def karplus_strong(frequency_hz: float, duration_s: float, sample_rate: int,
                   rng: np.random.Generator, decay_s: float = 1.5, brightness: float = 0.6
                   ) -> np.ndarray:
    """Plucked string by the Karplus-Strong algorithm, tuned exactly.

    The loop y[n] = g * (y[n-N] + y[n-N-1]) / 2 has a period of N + 1/2 samples.
    Integer N cannot hit every pitch, so the string is run at an internal rate
    where the period is exactly N + 1/2 and then interpolated to ``sample_rate``.
    The recursion is evaluated a whole period at a time (every sample of one
    period depends only on earlier periods), which keeps it fast in numpy.
    """
    period = sample_rate / frequency_hz
    delay = max(2, int(np.ceil(period - 0.5)))
    internal_rate = frequency_hz * (delay + 0.5)
    n_out = max(2, int(duration_s * sample_rate))
    n_internal = int(np.ceil(n_out * internal_rate / sample_rate)) + 2
    loss = 10.0 ** (-3.0 / (frequency_hz * decay_s))  # 60 dB down after decay_s
    excitation = rng.uniform(-1.0, 1.0, delay)
    # A softer pluck is a low-passed excitation (fewer high harmonics).
    smooth = np.convolve(excitation, np.ones(3) / 3.0, mode="same")
    excitation = brightness * excitation + (1.0 - brightness) * smooth
    y = np.zeros(n_internal + delay + 1)
    y[1: delay + 1] = excitation - excitation.mean()  # index 0 is the zero before the pluck
    for start in range(delay + 1, len(y), delay):
        stop = min(start + delay, len(y))
        y[start:stop] = loss * 0.5 * (y[start - delay: stop - delay]
                                      + y[start - delay - 1: stop - delay - 1])
    string = y[1:]
    positions = np.arange(n_out) * (internal_rate / sample_rate)
    out = np.interp(positions, np.arange(len(string)), string)
    return _release(out, sample_rate, min(0.05, duration_s / 3)) * 0.8


def drum_hit(drum: str, sample_rate: int, rng: np.random.Generator) -> np.ndarray:
    """A synthesized ``kick`` (falling sine), ``snare`` (tone + noise) or ``hat`` (bright noise)."""
    if drum == "kick":
        t = np.arange(int(0.45 * sample_rate)) / sample_rate
        frequency = 45.0 + 90.0 * np.exp(-t / 0.04)
        phase = 2 * np.pi * np.cumsum(frequency) / sample_rate
        return np.sin(phase) * np.exp(-t / 0.15)
    if drum == "snare":
        t = np.arange(int(0.25 * sample_rate)) / sample_rate
        body = 0.5 * np.sin(2 * np.pi * 185.0 * t) * np.exp(-t / 0.05)
        rattle = filters.apply_filters(rng.standard_normal(len(t)),
                                       [filters.bandpass(sample_rate, min(2500.0, 0.4 * sample_rate), 0.7)])
        return body + 0.9 * rattle * np.exp(-t / 0.07)
    if drum == "hat":
        t = np.arange(int(0.08 * sample_rate)) / sample_rate
        hiss = filters.apply_filters(rng.standard_normal(len(t)),
                                     [filters.highpass(sample_rate, min(7000.0, 0.35 * sample_rate))])
        return 0.5 * hiss * np.exp(-t / 0.015)
    raise ValueError(f"unknown drum {drum!r}; use one of {DRUMS}")


def render_note(instrument: str, frequency_hz: float, duration_s: float, sample_rate: int,
                rng: np.random.Generator) -> np.ndarray:
    """One note of any instrument in ``INSTRUMENTS``."""
    if instrument in ADDITIVE_TIMBRES:
        return additive_note(instrument, frequency_hz, duration_s, sample_rate, rng)
    if instrument == "pluck":
        return karplus_strong(frequency_hz, duration_s, sample_rate, rng, decay_s=1.2)
    if instrument == "bass":
        return 1.2 * karplus_strong(frequency_hz, duration_s, sample_rate, rng, decay_s=2.0,
                                    brightness=0.2)
    raise ValueError(f"unknown instrument {instrument!r}; use one of {INSTRUMENTS}")

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
    phases = rng.uniform(0, 2 * np.pi, len(spec["harmonics"]))
    # A quieter, slightly detuned copy gives the slow beating of real instruments;
    # it starts in phase, so a short note never cancels its own fundamental.
    for detune, weight in ((1.0, 1.0), (1.0 + rng.uniform(0.0005, 0.002), 0.5)):
        for k, amplitude in enumerate(spec["harmonics"], start=1):
            if amplitude == 0.0 or k * frequency_hz * detune >= sample_rate / 2:
                continue
            partial = weight * amplitude * np.sin(2 * np.pi * k * frequency_hz * detune * t
                                                  + phases[k - 1])
            if spec["decay_s"] is not None:
                decay = spec["decay_s"] / (1.0 + spec.get("darkening", 0.0) * (k - 1))
                partial *= np.exp(-6.9 * t / decay)
            out += partial
    attack = np.minimum(1.0, t / spec["attack_s"])
    return _release(out * attack, sample_rate, min(0.08, duration_s / 3)) / 1.5


def _loop_filter(frequency_hz: float, decay_s: float, sample_rate: int) -> float:
    """Weight S of the string's two-tap loss filter (1 - S) y[n-N] + S y[n-N-1].

    Plain Karplus-Strong (S = 1/2) damps high notes within milliseconds.  Jaffe
    and Smith's decay stretching lowers S until the filter alone costs at most
    20 dB over ``decay_s``; the loop gain then sets the decay exactly.
    """
    w = 2.0 * np.pi * frequency_hz / sample_rate
    budget = np.log(10.0) / (frequency_hz * decay_s * max(1e-12, 1.0 - np.cos(w)))
    if budget >= 0.25:
        return 0.5
    return float((1.0 - np.sqrt(1.0 - 4.0 * budget)) / 2.0)


def karplus_strong(frequency_hz: float, duration_s: float, sample_rate: int,
                   rng: np.random.Generator, decay_s: float = 1.5, brightness: float = 0.6
                   ) -> np.ndarray:
    """Plucked string by the Karplus-Strong algorithm, tuned exactly, 60 dB down after ``decay_s``.

    The loop y[n] = g ((1 - S) y[n-N] + S y[n-N-1]) has a period of N plus the
    filter's phase delay.  Integer N cannot hit every pitch, so the string is
    run at an internal rate where the period is exact and then interpolated to
    ``sample_rate``.  The recursion is evaluated a whole period at a time (every
    sample of one period depends only on earlier periods), which keeps it fast.
    """
    stretch = _loop_filter(frequency_hz, decay_s, sample_rate)
    delay = max(2, int(np.ceil(sample_rate / frequency_hz - 0.5)))
    internal_rate = frequency_hz * (delay + 0.5)
    for _ in range(4):  # the filter's phase delay depends on the rate: iterate to a fixed point
        w = 2.0 * np.pi * frequency_hz / internal_rate
        phase_delay = np.arctan2(stretch * np.sin(w), 1.0 - stretch + stretch * np.cos(w)) / w
        internal_rate = frequency_hz * (delay + phase_delay)
    w = 2.0 * np.pi * frequency_hz / internal_rate
    filter_gain = abs(1.0 - stretch + stretch * np.exp(-1j * w))
    loss = 10.0 ** (-3.0 / (frequency_hz * decay_s)) / filter_gain
    n_out = max(2, int(duration_s * sample_rate))
    n_internal = int(np.ceil(n_out * internal_rate / sample_rate)) + 2
    excitation = rng.uniform(-1.0, 1.0, delay)
    # A softer pluck is a low-passed excitation (fewer high harmonics).
    smooth = np.convolve(excitation, np.ones(3) / 3.0, mode="same")
    excitation = brightness * excitation + (1.0 - brightness) * smooth
    y = np.zeros(n_internal + delay + 1)
    y[1: delay + 1] = excitation - excitation.mean()  # index 0 is the zero before the pluck
    for start in range(delay + 1, len(y), delay):
        stop = min(start + delay, len(y))
        y[start:stop] = loss * ((1.0 - stretch) * y[start - delay: stop - delay]
                                + stretch * y[start - delay - 1: stop - delay - 1])
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

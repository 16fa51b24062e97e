"""Crowds: murmur without words (many vowel-like buzzes with drifting pitch), and applause.

Each "talker" is a glottal-like pulse train (90-260 Hz, drifting) through two
formant resonances that jump to a new vowel every 80-250 ms, switched on and off
in syllable-like bursts.  A dozen of them together is the murmur of a room
full of people, with no intelligible speech in it.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth import filters
from workbench.training.synth.ambience.colours import sloped_noise
from workbench.training.synth.ambience.events import decaying_noise, place
from workbench.training.synth.ambience.weather import slow_curve

# (F1, F2) of a few vowels, Hz.
VOWELS = ((730, 1090), (270, 2290), (530, 1840), (570, 840), (300, 870), (660, 1720), (490, 1350))


def _talker(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    pitch = rng.uniform(90.0, 260.0) * (0.85 + 0.3 * slow_curve(n, sample_rate, rng, 3.0))
    phase = np.cumsum(pitch) / sample_rate
    source = np.diff(np.floor(phase), prepend=0.0) + 0.05 * rng.standard_normal(n)
    # The whole source through every vowel once (in the frequency domain: cheap for long
    # clips); each stretch then takes one vowel's output.
    spectrum = np.fft.rfft(source)
    freqs = np.fft.rfftfreq(n, 1.0 / sample_rate)

    def gain(biquad) -> np.ndarray:
        return 10.0 ** (biquad.response_db(freqs, sample_rate) / 20.0)

    vowels = [np.fft.irfft(spectrum * (gain(filters.bandpass(sample_rate, f1, 5.0))
                                       + 0.5 * gain(filters.bandpass(sample_rate, f2, 8.0))), n)
              for f1, f2 in VOWELS]
    out = np.zeros(n)
    at = 0
    while at < n:
        length = int(rng.uniform(0.08, 0.25) * sample_rate)
        out[at: at + length] = vowels[int(rng.integers(len(VOWELS)))][at: at + length]
        at += length
    syllables = slow_curve(n, sample_rate, rng, float(rng.uniform(6.0, 10.0))) > 0.4
    smooth = np.convolve(syllables.astype(float), np.ones(160) / 160, mode="same")
    return out * smooth / (np.std(out) + 1e-12)


def murmur(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """8-20 wordless talkers at random distances."""
    return sum(rng.uniform(0.3, 1.0) * _talker(rng, sample_rate, n)
               for _ in range(int(rng.integers(8, 21))))


def applause(rng: np.random.Generator, sample_rate: int, n: int,
             claps_per_s: float | None = None) -> np.ndarray:
    """Applause: independent claps (noise bursts band-passed at 1-3 kHz), 3-250 a second, swelling.

    Every few clappers share a hand resonance (one band-pass per group); the
    density and the loudness follow one slow swell; a short room tail follows each clap.
    """
    rate = float(np.exp(rng.uniform(np.log(3.0), np.log(250.0)))) if claps_per_s is None else claps_per_s
    swell = 0.3 + 0.7 * slow_curve(n, sample_rate, rng, float(rng.uniform(0.1, 0.6)))
    candidates = rng.integers(0, n, int(rng.poisson(rate * n / sample_rate)))
    starts = candidates[rng.random(len(candidates)) < swell[candidates]]  # fewer claps in the lulls
    length = int(0.03 * sample_rate)
    grains = decaying_noise(rng, sample_rate, length, rng.uniform(0.002, 0.008, len(starts)))
    grains *= (rng.lognormal(0.0, 0.4, len(starts)) * np.sqrt(swell[starts]))[:, None]
    groups = int(rng.integers(2, 7))
    group = rng.integers(0, groups, len(starts))
    out = np.zeros(n)
    for g in range(groups):
        centre = min(float(rng.uniform(1000.0, 3000.0)), 0.4 * sample_rate)
        mine = group == g
        out += filters.apply_filters(place(n, starts[mine], grains[mine]),
                                     [filters.bandpass(sample_rate, centre, float(rng.uniform(0.8, 2.5)))])
    # The hall answers: a short diffuse tail (decaying noise) fills the gaps between claps.
    tail = rng.standard_normal(int(0.6 * sample_rate)) * np.exp(
        -np.arange(int(0.6 * sample_rate)) / (float(rng.uniform(0.03, 0.15)) * sample_rate))
    size = n + len(tail)
    hall = np.fft.irfft(np.fft.rfft(out, size) * np.fft.rfft(tail, size), size)[:n]
    out = out + float(rng.uniform(0.05, 0.4)) * np.std(out) * hall / (np.std(hall) + 1e-12)
    bed = sloped_noise(n, sample_rate, rng, 1.0)
    return out + 0.01 * (np.std(out) + 1e-12) * bed / (np.std(bed) + 1e-12)

"""Scores for many styles: keys and modes, chord voicings, melodies, arpeggios, bass lines, drums.

A score is a list of ``Event`` (pitched, per part) and ``Hit`` (percussion
roles); ``compose`` picks a *texture* (which parts play) and a tempo from 50
to 190 bpm in 3/4 or 4/4, so pieces range from a slow solo line to a busy band.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MODES = {
    "major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10),
    "dorian": (0, 2, 3, 5, 7, 9, 10), "mixolydian": (0, 2, 4, 5, 7, 9, 10),
    "harmonic_minor": (0, 2, 3, 5, 7, 8, 11),
    "pentatonic": (0, 2, 4, 7, 9), "minor_pentatonic": (0, 3, 5, 7, 10),
    "blues": (0, 3, 5, 6, 7, 10),
}
# Which parts play: (chords, bass, melody, drums).  Solo lines and bare drums are music too.
TEXTURES = {
    "band": (True, True, True, True), "ensemble": (True, True, True, False),
    "duet": (True, False, True, False), "solo": (False, False, True, False),
    "accompaniment": (True, True, False, False), "groove": (False, True, True, True),
    "percussion": (False, False, False, True), "chords_and_drums": (True, False, False, True),
}
TEXTURE_WEIGHTS = {"band": 3, "ensemble": 2, "duet": 2, "solo": 2, "accompaniment": 1,
                   "groove": 1, "percussion": 0.6, "chords_and_drums": 1}


@dataclass(frozen=True)
class Event:
    """A pitched note of ``part`` (``bass``, ``chords`` or ``melody``)."""

    part: str
    start_s: float
    duration_s: float
    midi: int
    velocity: float


@dataclass(frozen=True)
class Hit:
    """A percussion stroke of a kit ``role`` (see ``kits.ROLES``)."""

    role: str
    start_s: float
    velocity: float


@dataclass(frozen=True)
class Score:
    texture: str
    mode: str
    tonic_midi: int
    tempo_bpm: float
    beats_per_bar: int
    events: tuple[Event, ...]
    hits: tuple[Hit, ...]

    def parts(self) -> set[str]:
        return {e.part for e in self.events} | ({"drums"} if self.hits else set())


def _degree(tonic: int, mode: str, degree: int) -> int:
    steps = MODES[mode]
    return tonic + 12 * (degree // len(steps)) + steps[degree % len(steps)]


def _progression(rng, mode: str, bars: int) -> list[int]:
    size = len(MODES[mode])
    roots = [0] + [int(rng.integers(0, size)) for _ in range(3)]
    return [roots[b % 4] for b in range(bars)]


def _chord(tonic, mode, root, rng) -> list[int]:
    size = len(MODES[mode])
    steps = (0, 2, 4) if size == 7 else (0, 1, 3)
    if rng.random() < 0.3:
        steps = steps + (6 if size == 7 else 4,)  # a seventh
    notes = [_degree(tonic, mode, root + s) for s in steps]
    for _ in range(int(rng.integers(0, 3))):  # inversions
        notes = notes[1:] + [notes[0] + 12]
    return notes


def _chords(rng, tonic, mode, roots, bar_s, beat_s, beats) -> list[Event]:
    style = str(rng.choice(["block", "block", "arpeggio", "strum", "pulse"]))
    events = []
    for bar, root in enumerate(roots):
        chord, start = _chord(tonic + 12, mode, root, rng), bar * bar_s
        if style == "block":
            events += [Event("chords", start, bar_s, m, 0.6) for m in chord]
        elif style == "strum":  # strings hit one after another, 10-30 ms apart
            gap = rng.uniform(0.01, 0.03)
            for strum in range(int(rng.choice([1, 2, beats]))):
                at = start + strum * bar_s / max(1, strum + 1)
                events += [Event("chords", at + i * gap, bar_s / 2, m, 0.6) for i, m in enumerate(chord)]
        elif style == "pulse":
            for b in range(beats):
                events += [Event("chords", start + b * beat_s, beat_s * 0.8, m, 0.55) for m in chord]
        else:
            pattern = [0, 1, 2, 1] if rng.random() < 0.5 else list(range(len(chord))) + [len(chord) - 2]
            step = beat_s / float(rng.choice([1, 2, 3, 4]))
            for i in range(int(round(bar_s / step))):
                midi = chord[pattern[i % len(pattern)] % len(chord)]
                events.append(Event("chords", start + i * step, step * 1.5, midi, 0.6))
    return events


def _melody(rng, tonic, mode, roots, bar_s, beat_s, end_s) -> list[Event]:
    lengths = {"slow": (1.0, 2.0, 2.0, 3.0), "medium": (0.5, 1.0, 1.0, 1.5),
               "fast": (0.25, 0.5, 0.5, 0.25)}[str(rng.choice(["slow", "medium", "medium", "fast"]))]
    size = len(MODES[mode])
    degree, time, events = int(rng.integers(0, size)), 0.0, []
    while time < end_s:
        length = beat_s * float(rng.choice(lengths))
        if rng.random() < 0.1:
            time += length
            continue
        if rng.random() < 0.3:  # a leap to a chord tone
            degree = roots[min(int(time // bar_s), len(roots) - 1)] + int(rng.choice([0, 2, 4])) \
                + size * int(rng.integers(0, 2))
        else:
            degree = int(np.clip(degree + rng.choice([-2, -1, -1, 1, 1, 2, 0]), -2, 2 * size))
        events.append(Event("melody", time, length * float(rng.uniform(0.7, 1.0)),
                            _degree(tonic + 12, mode, degree), float(rng.uniform(0.5, 1.0))))
        time += length
    return events


def _bass(rng, tonic, mode, roots, bar_s, beat_s, beats) -> list[Event]:
    pattern = str(rng.choice(["roots", "beats", "walk", "octaves"]))
    events = []
    for bar, root in enumerate(roots):
        base, start = _degree(tonic - 12, mode, root), bar * bar_s
        if pattern == "roots":
            events.append(Event("bass", start, bar_s, base, 0.9))
            continue
        for b in range(beats if pattern != "octaves" else 2 * beats):
            step = beat_s if pattern != "octaves" else beat_s / 2
            midi = {"beats": base, "octaves": base + 12 * (b % 2),
                    "walk": _degree(tonic - 12, mode, root + b)}[pattern]
            events.append(Event("bass", start + b * step, step * 0.9, midi, 0.85))
    return events


def _drums(rng, bar_s, beat_s, beats, bars) -> list[Hit]:
    division = int(rng.choice([2, 2, 4, 3]))
    hits = []
    for bar in range(bars):
        start = bar * bar_s
        for b in range(beats):
            at = start + b * beat_s
            if b == 0 or (beats == 4 and b == 2) or rng.random() < 0.1:
                hits.append(Hit("kick", at, 1.0))
            if b % 2 == 1 or (beats == 3 and b == 2):
                hits.append(Hit("snare", at, float(rng.uniform(0.7, 1.0))))
            for d in range(division):
                role = "open_hat" if rng.random() < 0.08 else "hat"
                hits.append(Hit(role, at + d * beat_s / division, float(rng.uniform(0.3, 0.8))))
        if rng.random() < 0.3:
            hits += [Hit(str(rng.choice(["tom", "perc"])), start + bar_s - (k + 1) * beat_s / 2,
                         0.8) for k in range(int(rng.integers(1, 4)))]
    return hits


def compose(rng: np.random.Generator, duration_s: float, texture: str | None = None) -> Score:
    """A random score of ``duration_s`` seconds (events past the end are dropped)."""
    if texture is None:
        names = list(TEXTURE_WEIGHTS)
        weights = np.array([TEXTURE_WEIGHTS[n] for n in names], dtype=float)
        texture = str(rng.choice(names, p=weights / weights.sum()))
    chords_on, bass_on, melody_on, drums_on = TEXTURES[texture]
    mode = str(rng.choice(list(MODES)))
    tonic = int(rng.integers(45, 60))
    tempo = float(np.exp(rng.uniform(np.log(50.0), np.log(190.0))))
    beats = int(rng.choice([3, 4, 4]))
    beat_s = 60.0 / tempo
    bar_s = beats * beat_s
    bars = max(1, int(np.ceil(duration_s / bar_s)))
    roots = _progression(rng, mode, bars)
    events: list[Event] = []
    if chords_on:
        events += _chords(rng, tonic, mode, roots, bar_s, beat_s, beats)
    if bass_on:
        events += _bass(rng, tonic, mode, roots, bar_s, beat_s, beats)
    if melody_on:
        events += _melody(rng, tonic, mode, roots, bar_s, beat_s, bars * bar_s)
    hits = _drums(rng, bar_s, beat_s, beats, bars) if drums_on else []
    return Score(texture, mode, tonic, tempo, beats,
                 tuple(e for e in events if e.start_s < duration_s),
                 tuple(h for h in hits if h.start_s < duration_s))

"""Short synthetic music: chords, a melody, a bass line and drums in a random key and tempo.

``compose_piece`` writes a ``Piece`` (a score: notes and drum hits with times);
``render_piece`` plays it.  Keeping the two apart lets tests check the score
(every pitched note is in the key) separately from the sound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.training.synth.arrays import Seed, as_generator, fade, frames_for, normalize_rms
from workbench.training.synth.instruments import drum_hit, midi_to_hz, render_note

SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}
# Common chord progressions as scale degrees (0 = tonic), one chord per bar.
PROGRESSIONS = {
    "major": ((0, 4, 5, 3), (0, 5, 3, 4), (0, 3, 4, 0), (0, 3, 0, 4), (5, 3, 0, 4)),
    "minor": ((0, 5, 2, 6), (0, 3, 4, 0), (0, 6, 5, 6), (0, 3, 6, 2)),
}
CHORD_INSTRUMENTS = ("pluck", "organ", "epiano", "pad")
MELODY_INSTRUMENTS = ("pluck", "epiano", "bell", "lead", "organ")
PART_GAINS = {"chords": 0.22, "melody": 0.4, "bass": 0.45, "drums": 0.5}


@dataclass(frozen=True)
class Note:
    """A pitched note in a score (``midi`` note number, ``velocity`` 0-1)."""

    part: str
    instrument: str
    start_s: float
    duration_s: float
    midi: int
    velocity: float


@dataclass(frozen=True)
class DrumHit:
    """A drum stroke in a score: ``drum`` is ``kick``, ``snare`` or ``hat``."""

    drum: str
    start_s: float
    velocity: float


@dataclass(frozen=True)
class Piece:
    """A complete short score: key (``tonic_midi`` + ``mode``), tempo, notes and drums."""

    tonic_midi: int
    mode: str
    tempo_bpm: float
    duration_s: float
    notes: tuple[Note, ...]
    drums: tuple[DrumHit, ...]

    def pitch_classes(self) -> set[int]:
        """The key's pitch classes (0 = C)."""
        return {(self.tonic_midi + step) % 12 for step in SCALES[self.mode]}


def _scale_note(tonic: int, mode: str, degree: int) -> int:
    """MIDI note of a scale ``degree`` counted from the tonic (may exceed one octave)."""
    steps = SCALES[mode]
    return tonic + 12 * (degree // 7) + steps[degree % 7]


def _chords(rng, tonic, mode, progression, bar_s, beat_s, bars) -> list[Note]:
    instrument = str(rng.choice(CHORD_INSTRUMENTS))
    arpeggio = instrument == "pluck" or rng.random() < 0.3
    notes = []
    for bar in range(bars):
        root = progression[bar % len(progression)]
        triad = [_scale_note(tonic + 12, mode, root + step) for step in (0, 2, 4)]
        start = bar * bar_s
        if arpeggio:
            for i in range(8):
                midi = triad[(0, 1, 2, 1)[i % 4]] + (12 if i == 4 else 0)
                notes.append(Note("chords", instrument, start + i * beat_s / 2, beat_s, midi, 0.7))
        else:
            notes += [Note("chords", instrument, start, bar_s, m, 0.6) for m in triad]
    return notes


def _melody(rng, tonic, mode, progression, bar_s, beat_s, bars) -> list[Note]:
    instrument = str(rng.choice(MELODY_INSTRUMENTS))
    degree = int(rng.integers(0, 5))
    notes = []
    time, end = 0.0, bars * bar_s
    while time < end - 1e-9:
        length = beat_s * float(rng.choice([0.5, 0.5, 1.0, 1.0, 1.5, 2.0]))
        if rng.random() < 0.12:  # a rest now and then lets the melody breathe
            time += length
            continue
        chord_root = progression[int(time // bar_s) % len(progression)]
        on_beat = abs(time / beat_s - round(time / beat_s)) < 1e-6
        if on_beat and rng.random() < 0.6:
            # Strong beats favour chord tones, so the tune fits the harmony.
            degree = chord_root + int(rng.choice([0, 2, 4])) + 7 * int(rng.integers(0, 2))
        else:
            degree = int(np.clip(degree + rng.choice([-2, -1, -1, 1, 1, 2]), 0, 11))
        midi = _scale_note(tonic + 12, mode, degree)
        notes.append(Note("melody", instrument, time, min(length, end - time), midi,
                          float(rng.uniform(0.6, 1.0))))
        time += length
    return notes


def _bass(rng, tonic, mode, progression, bar_s, beat_s, bars) -> list[Note]:
    pattern = [(0.0, 2.0), (2.0, 2.0)] if rng.random() < 0.5 else [(b, 1.0) for b in range(4)]
    notes = []
    for bar in range(bars):
        midi = _scale_note(tonic - 12, mode, progression[bar % len(progression)])
        notes += [Note("bass", "bass", bar * bar_s + beat * beat_s, length * beat_s, midi, 0.9)
                  for beat, length in pattern]
    return notes


def _drums(rng, beat_s, bars) -> list[DrumHit]:
    hits = []
    for bar in range(bars):
        start = bar * 4 * beat_s
        hits += [DrumHit("kick", start + b * beat_s, 1.0) for b in (0, 2)]
        hits += [DrumHit("snare", start + b * beat_s, 0.8) for b in (1, 3)]
        hits += [DrumHit("hat", start + e * beat_s / 2, float(rng.uniform(0.4, 0.8)))
                 for e in range(8)]
        if rng.random() < 0.3:
            hits.append(DrumHit("kick", start + 2.5 * beat_s, 0.7))
    return hits


def compose_piece(seed: Seed, duration_s: float = 4.0, drums: bool | None = None) -> Piece:
    """A random score in a random key (tonic C3-B3, major or minor) and tempo (80-140 bpm)."""
    rng = as_generator(seed)
    mode = str(rng.choice(list(SCALES)))
    tonic = int(rng.integers(48, 60))
    tempo = float(rng.integers(80, 141))
    beat_s = 60.0 / tempo
    bar_s = 4 * beat_s
    bars = max(1, int(np.ceil(duration_s / bar_s)))
    progression = PROGRESSIONS[mode][int(rng.integers(len(PROGRESSIONS[mode])))]
    args = (rng, tonic, mode, progression, bar_s, beat_s, bars)
    notes = _chords(*args) + _melody(*args) + _bass(*args)
    use_drums = rng.random() < 0.7 if drums is None else drums
    hits = _drums(rng, beat_s, bars) if use_drums else []
    keep_notes = tuple(n for n in notes if n.start_s < duration_s)
    keep_hits = tuple(h for h in hits if h.start_s < duration_s)
    return Piece(tonic, mode, tempo, duration_s, keep_notes, keep_hits)


def render_piece(piece: Piece, sample_rate: int, seed: Seed = 0,
                 level_db: float = -20.0) -> np.ndarray:
    """Play ``piece`` at ``sample_rate``; RMS at ``level_db`` dBFS, faded at both ends."""
    rng = as_generator(seed)
    n = frames_for(piece.duration_s, sample_rate)
    out = np.zeros(n)

    def place(sound: np.ndarray, start_s: float, gain: float) -> None:
        start = int(round(start_s * sample_rate))
        stop = min(n, start + len(sound))
        if stop > start:
            out[start:stop] += gain * sound[: stop - start]

    for note in piece.notes:
        # Decaying instruments ring past the written length, like a sustain pedal.
        ring = note.duration_s if note.instrument in ("organ", "lead", "pad") else note.duration_s * 1.5
        sound = render_note(note.instrument, midi_to_hz(note.midi), ring, sample_rate, rng)
        place(sound, note.start_s, PART_GAINS[note.part] * note.velocity)
    for hit in piece.drums:
        place(drum_hit(hit.drum, sample_rate, rng), hit.start_s, PART_GAINS["drums"] * hit.velocity)
    return fade(normalize_rms(out, level_db), sample_rate, 0.01, 0.3)


def random_music(seed: Seed, sample_rate: int, duration_s: float = 4.0,
                 level_db: float = -20.0) -> np.ndarray:
    """Compose and render a random piece of ``duration_s`` seconds."""
    rng = as_generator(seed)
    return render_piece(compose_piece(rng, duration_s), sample_rate, rng, level_db)


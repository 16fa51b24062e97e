"""Play a score: one instrument per part from the allowed families, mixed levels, effects.

``random_piece`` is the entry point: compose a score, pick the instruments
(only from ``families``; a ``featured`` family always plays), render every
part, put each part through its own effects at its own level, then the mix
through master effects.  The detail string says what was played.
"""

from __future__ import annotations

import numpy as np

from workbench.training.synth.arrays import Seed, as_generator, fade, frames_for, normalize_rms
from workbench.training.synth.instruments import midi_to_hz
from workbench.training.synth.orchestra import effects, score
from workbench.training.synth.orchestra.families import KITS, PITCHED, for_part

# Part levels (dB, relative) drawn per piece: mixes range from lead-heavy to bass-heavy.
PART_LEVELS_DB = {"bass": (-12.0, -2.0), "chords": (-14.0, -3.0), "melody": (-8.0, 0.0),
                  "drums": (-14.0, 0.0)}
PART_EFFECTS = {"distortion": 0.12, "chorus": 0.2, "eq": 0.3, "echo": 0.12}
MASTER_EFFECTS = {"distortion": 0.03, "eq": 0.4, "reverb": 0.5}
# Decaying instruments ring past the written note length (sustain pedal, open strings).
RINGING = ("plucked", "struck")


def _textures_for(featured: str | None) -> list[str]:
    if featured is None:
        return list(score.TEXTURES)
    if featured in KITS:
        return [t for t, parts in score.TEXTURES.items() if parts[3]]
    playable = PITCHED[featured].parts
    return [t for t, (c, b, m, _) in score.TEXTURES.items()
            if (c and "chords" in playable) or (b and "bass" in playable) or (m and "melody" in playable)]


def _texture(rng, featured) -> str:
    names = _textures_for(featured)
    weights = np.array([score.TEXTURE_WEIGHTS[n] for n in names], dtype=float)
    return str(rng.choice(names, p=weights / weights.sum()))


def _playable(parts: set[str], featured: str | None) -> bool:
    """Whether a piece with notes in ``parts`` has one that ``featured`` (if any) can play."""
    if featured is None:
        return bool(parts)
    if featured in KITS:
        return "drums" in parts
    return any(p in parts for p in PITCHED[featured].parts)


def choose_instruments(rng: np.random.Generator, parts: set[str], families: tuple[str, ...],
                       featured: str | None = None) -> dict[str, str]:
    """A family for every part in ``parts`` drawn from ``families``; ``featured`` takes one part."""
    chosen: dict[str, str] = {}
    if featured is not None:
        if featured in KITS:
            chosen["drums"] = featured
        else:
            own = [p for p in ("melody", "chords", "bass") if p in parts and p in PITCHED[featured].parts]
            chosen[own[0]] = featured
    for part in sorted(parts - set(chosen)):
        pool = [f for f in families if f in KITS] if part == "drums" else for_part(part, families)
        if not pool:  # no family of the pool can play this part: leave it out
            continue
        chosen[part] = str(rng.choice(pool))
    return chosen


def _render_part(part, family, piece, rng, sample_rate, n) -> np.ndarray:
    out = np.zeros(n)
    if part == "drums":
        hit = KITS[family](rng, sample_rate)
        for h in piece.hits:
            _place(out, hit(h.role, h.velocity), h.start_s, sample_rate)
        return out
    spec = PITCHED[family]
    play = spec.make(rng, sample_rate)
    ring = 1.6 if spec.category in RINGING else 1.0
    for e in (e for e in piece.events if e.part == part):
        length = min(e.duration_s * ring, 4.0, piece_end(n, sample_rate) - e.start_s + 0.05)
        _place(out, play(midi_to_hz(spec.fit(e.midi)), max(0.05, length), e.velocity),
               e.start_s, sample_rate)
    return out


def piece_end(n: int, sample_rate: int) -> float:
    return n / sample_rate


def _place(out: np.ndarray, sound: np.ndarray, start_s: float, sample_rate: int) -> None:
    start = int(round(start_s * sample_rate))
    stop = min(len(out), start + len(sound))
    if stop > start:
        out[start:stop] += sound[: stop - start]


def random_piece(seed: Seed, sample_rate: int, duration_s: float, families: tuple[str, ...],
                 featured: str | None = None, level_db: float = -20.0) -> tuple[np.ndarray, str]:
    """A random piece played only by ``families``; returns ``(audio float32, detail)``."""
    rng = as_generator(seed)
    n = frames_for(duration_s, sample_rate)
    piece = score.compose(rng, duration_s, _texture(rng, featured))
    while not _playable(piece.parts(), featured):
        # A short piece at a slow tempo can end before a part's first note: compose
        # again rather than leave the featured family out (or the piece silent).
        piece = score.compose(rng, duration_s, _texture(rng, featured))
    instruments = choose_instruments(rng, piece.parts(), families, featured)
    mix = np.zeros(n)
    for part, family in instruments.items():
        audio = _render_part(part, family, piece, rng, sample_rate, n)
        if not np.any(audio):
            continue
        audio = effects.apply_chain(audio, effects.random_chain(rng, PART_EFFECTS), rng, sample_rate)
        level = 10 ** (rng.uniform(*PART_LEVELS_DB[part]) / 20)
        mix += level * audio / (np.sqrt(np.mean(audio ** 2)) + 1e-12)
    master = effects.random_chain(rng, MASTER_EFFECTS)
    mix = effects.apply_chain(mix, master, rng, sample_rate)
    detail = (f"{piece.texture} in {piece.mode}, {piece.tempo_bpm:.0f} bpm, "
              + ", ".join(f"{p}: {f}" for p, f in sorted(instruments.items()))
              + (f"; fx {'+'.join(master)}" if master else ""))
    return fade(normalize_rms(mix, level_db), sample_rate, 0.01, 0.05), detail

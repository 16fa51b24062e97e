"""The recognizer's synthetic training pool: speech shards and a bank of noises and rooms.

Utterances are spoken by espeak-ng and flite with the training voices of
`synth.held_out_voices.voice_pool("train")` (the held-out voices are the same ones the
classifier holds out), at random rates, pitches and word gaps.  Texts mix grammar
sentences, pairs of them, random word strings over the whole vocabulary (so spelling,
not the templates' word order, carries most of the learning) and isolated words.

Shards are ``train_NNNNN.npz`` files of `SHARD_SIZE` utterances (int16 audio at 16 kHz,
concatenated, with offsets and texts); shard ``i`` depends only on ``(seed, i)``, so any
number of processes can fill a pool in parallel, and a pool resumes where it stopped.
Augmentation (levels, speed, noise, reverb, EQ, band limits, clipping) happens later,
on the fly, in `augment`.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from workbench.training.synth import noise, room
from workbench.training.synth.errors import SynthesisError
from workbench.training.synth.held_out_voices import voice_pool
from workbench.training.synth.speech import FLITE, SpeechParams, Voice, synthesize_speech
from workbench.training.synth.text import default_generator

SAMPLE_RATE = 16000
SHARD_SIZE = 100
NOISE_BANK = "noise_bank.npz"
_STREAMS = {"train": 71, "eval": 113, "bank": 131}


def random_text(rng: np.random.Generator) -> str:
    """A transcript to speak: sentences, word strings or isolated words (lowercase)."""
    generator = default_generator()
    choice = rng.random()
    if choice < 0.5:
        return generator.sentence(rng)
    if choice < 0.65:
        return f"{generator.sentence(rng)} {generator.sentence(rng)}"
    words = _word_list()
    count = int(rng.integers(2, 11)) if choice < 0.88 else int(rng.integers(1, 4))
    return " ".join(words[int(i)] for i in rng.integers(0, len(words), count))


def _word_list() -> list[str]:
    if not hasattr(_word_list, "cache"):
        _word_list.cache = sorted(default_generator().words())
    return _word_list.cache


def pick_voice(rng: np.random.Generator, voices: list[Voice]) -> Voice:
    """A voice from ``voices``; flite (few voices) gets 30% of the utterances."""
    flite = [v for v in voices if v.engine == FLITE]
    others = [v for v in voices if v.engine != FLITE]
    if flite and (not others or rng.random() < 0.3):
        return flite[int(rng.integers(len(flite)))]
    return others[int(rng.integers(len(others)))]


def random_params(rng: np.random.Generator) -> SpeechParams:
    """Rate 115-235 wpm, pitch 20-80, word gaps 0-80 ms half the time."""
    gap = 0 if rng.random() < 0.5 else int(rng.integers(5, 81))
    return SpeechParams(int(rng.integers(115, 236)), int(rng.integers(20, 81)), gap)


def synthesize_utterance(rng: np.random.Generator, voices: list[Voice]
                         ) -> tuple[np.ndarray, str, str]:
    """(16 kHz float32 audio, transcript, voice name) of one random utterance."""
    for _ in range(5):
        text = random_text(rng)
        voice = pick_voice(rng, voices)
        try:
            clip = synthesize_speech(text, SAMPLE_RATE, voice, random_params(rng))
        except SynthesisError:
            continue
        return clip.audio, clip.text, str(voice)
    raise SynthesisError("five synthesis attempts in a row failed", program="espeak-ng/flite")


def write_shard(folder: Path, split: str, index: int, seed: int) -> Path:
    """Synthesize shard ``index`` of ``split`` (skipped when it exists); returns its path."""
    path = folder / f"{split}_{index:05d}.npz"
    folder.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return path
    rng = np.random.default_rng([seed, _STREAMS[split], index])
    voices = voice_pool("eval" if split == "eval" else "train")
    pieces, texts, names = [], [], []
    for _ in range(SHARD_SIZE):
        audio, text, voice = synthesize_utterance(rng, voices)
        pieces.append(np.clip(np.round(audio * 32767), -32768, 32767).astype(np.int16))
        texts.append(text)
        names.append(voice)
    offsets = np.cumsum([0] + [len(p) for p in pieces])
    partial = path.with_suffix(".partial.npz")
    np.savez(partial, audio=np.concatenate(pieces), offsets=offsets,
             texts=np.array(texts), voices=np.array(names))
    partial.replace(path)
    return path


def write_noise_bank(folder: Path, seed: int, noises: int = 120, rooms: int = 160) -> Path:
    """Noises (6 s, all kinds) and room impulse responses (RT60 0.1-1.0 s) for augmentation."""
    path = folder / NOISE_BANK
    folder.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return path
    rng = np.random.default_rng([seed, _STREAMS["bank"]])
    clips = [noise.random_noise(rng, SAMPLE_RATE, 6.0)[1].astype(np.float32)
             for _ in range(noises)]
    irs = [room.reverb_ir(rng, SAMPLE_RATE, float(rng.uniform(0.1, 1.0))).astype(np.float32)
           for _ in range(rooms)]
    ir_len = max(len(ir) for ir in irs)
    ir_array = np.zeros((rooms, ir_len), np.float32)
    for row, ir in enumerate(irs):
        ir_array[row, :len(ir)] = ir
    partial = path.with_suffix(".partial.npz")
    np.savez(partial, noises=np.stack(clips), irs=ir_array)
    partial.replace(path)
    return path


def fill_pool(folder: str | Path, shards: int, seed: int = 1, worker: int = 0,
              workers: int = 1, log: Callable[[str], None] = print) -> None:
    """Write the shards ``worker, worker + workers, ...`` below ``shards`` (resumes)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for index in range(worker, shards, workers):
        write_shard(folder, "train", index, seed)
        log(f"shard {index + 1}/{shards} ready ({time.perf_counter() - started:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description="fill the recognizer's synthetic pool")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--shards", type=int, default=80)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--worker", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--bank", action="store_true", help="also write the noise bank")
    args = parser.parse_args()
    if args.bank:
        write_noise_bank(args.folder, args.seed)
        print("noise bank ready", flush=True)
    fill_pool(args.folder, args.shards, args.seed, args.worker, args.workers,
              lambda m: print(time.strftime("%H:%M:%S"), m, flush=True))


def read_shard(path: Path) -> list[tuple[np.ndarray, str]]:
    """The (int16 audio, text) utterances of one shard."""
    with np.load(path) as data:
        audio, offsets, texts = data["audio"], data["offsets"], data["texts"]
        return [(audio[offsets[i]:offsets[i + 1]], str(texts[i])) for i in range(len(texts))]


def pool_facts(folder: Path) -> dict:
    """How many shards, utterances and hours the pool holds (for the card)."""
    shards = sorted(folder.glob("train_*[0-9].npz"))
    seconds = 0.0
    for path in shards:
        with np.load(path) as data:
            seconds += len(data["audio"]) / SAMPLE_RATE
    return {"shards": len(shards), "utterances": len(shards) * SHARD_SIZE,
            "hours": round(seconds / 3600, 2)}


if __name__ == "__main__":
    main()

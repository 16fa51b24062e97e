"""Training utterances in memory: the synthetic pool, transcribed corpora, batching.

Held out of training: corpus utterances whose transcript's CRC-32 is divisible by
`HELD_OUT_MODULUS` (about 5%, decided by the text, so a prompt read twice is held out
both times); `workbench eval recognizer` scores them as the "seen speaker" set.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from workbench.training.recognizer.corpus import Utterance, read_corpus
from workbench.training.recognizer.pool import SAMPLE_RATE, read_shard

HELD_OUT_MODULUS = 20


@dataclass(frozen=True)
class Item:
    """One training utterance: int16 audio at 16 kHz and its transcript."""

    audio: np.ndarray
    text: str
    source: str  # "synthetic" or the corpus folder's name

    @property
    def seconds(self) -> float:
        return len(self.audio) / SAMPLE_RATE


def is_held_out(text: str) -> bool:
    """Whether a corpus transcript is kept for evaluation (never trained on)."""
    return zlib.crc32(text.encode()) % HELD_OUT_MODULUS == 0


def load_audio(path: Path) -> np.ndarray:
    """A recording as float32 mono at 16 kHz (any format soundfile reads, any rate)."""
    audio, rate = sf.read(path, dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    if rate != SAMPLE_RATE:
        import torch
        import torchaudio.functional as taf

        mono = taf.resample(torch.from_numpy(mono), rate, SAMPLE_RATE).numpy()
    return mono.astype(np.float32)


def to_int16(audio: np.ndarray) -> np.ndarray:
    return np.clip(np.round(audio * 32767), -32768, 32767).astype(np.int16)


def corpus_split(folder: str | Path) -> tuple[list[Utterance], list[Utterance]]:
    """(training, held-out) utterances of a corpus folder."""
    utterances = read_corpus(folder)
    train = [u for u in utterances if not is_held_out(u.text)]
    held = [u for u in utterances if is_held_out(u.text)]
    return train, held


def load_corpus_items(folder: str | Path, held_out: bool = False,
                      max_seconds: float = 30.0) -> list[Item]:
    """The corpus's training (or held-out) utterances as items (longer ones skipped)."""
    train, held = corpus_split(folder)
    name = Path(folder).name
    items = []
    for utterance in held if held_out else train:
        audio = load_audio(utterance.audio)
        if 0 < len(audio) <= max_seconds * SAMPLE_RATE:
            items.append(Item(to_int16(audio), utterance.text, name))
    return items


def load_pool(folder: str | Path) -> list[Item]:
    """Every utterance of the synthetic pool's finished training shards."""
    items = []
    for path in sorted(Path(folder).glob("train_*[0-9].npz")):
        items += [Item(audio, text, "synthetic") for audio, text in read_shard(path)]
    return items


def epoch_batches(items: list[Item], corpus_repeat: int, max_batch_s: float,
                  rng: np.random.Generator) -> list[list[int]]:
    """Batches of item indices for one epoch, similar lengths together (less padding),
    the batches in random order.  Corpus items appear ``corpus_repeat`` times."""
    order = []
    for index, item in enumerate(items):
        order += [index] * (corpus_repeat if item.source != "synthetic" else 1)
    order = list(rng.permutation(order))
    batches: list[list[int]] = []
    for start in range(0, len(order), 1000):
        group = sorted(order[start:start + 1000], key=lambda i: len(items[i].audio))
        batch: list[int] = []
        for index in group:
            longest = max([items[i].seconds for i in batch + [index]])
            if batch and longest * (len(batch) + 1) > max_batch_s:
                batches.append(batch)
                batch = []
            batch.append(index)
        if batch:
            batches.append(batch)
    return [batches[i] for i in rng.permutation(len(batches))]

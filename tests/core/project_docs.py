"""Documents with a bit of everything, for project and recovery tests."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from workbench.core.analysis.results import Classification, EnhancedAudio, Segment, Transcript, Word
from workbench.core.audio.audio_file import read_audio
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.clipboard import Clipboard
from workbench.core.document.document import Document, Track
from workbench.core.document.edit_commands import CutCommand, InsertSilenceCommand, PasteCommand
from workbench.core.document.effects import GainCommand
from workbench.core.document.history import History
from workbench.core.document.selection import Selection
from workbench.core.labels.labels import Label, LabelTier

RATE = 8000


def write_wav(path: Path, seconds: float = 2.0, channels: int = 2, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    data = (rng.standard_normal((int(RATE * seconds), channels)) * 0.2).astype(np.float32)
    sf.write(path, np.clip(data, -1, 1), RATE, subtype="PCM_16")
    return path


def opened_document(path: Path) -> Document:
    """`path` opened the way the GUI opens it: one track memory-mapped from the file."""
    loaded = read_audio(path)
    return Document([Track(path.stem, BlockSequence.from_source(loaded.source))],
                    loaded.info.sample_rate, path=path, info=loaded.info)


def rich_document(folder: Path) -> tuple[Document, History]:
    """Two tracks (a mapped WAV and a float track with NaN), edited by cut, paste,
    gain and silence; label tiers; a channel selection; all three analysis kinds."""
    doc = opened_document(write_wav(folder / "rich.wav"))
    mono = np.linspace(-1, 1, doc.frames, dtype=np.float32)[:, None]
    mono[5] = np.nan
    mono[6] = -0.0
    doc.set_tracks([*doc.tracks, Track("Float ✓", BlockSequence.from_array(mono))])
    history = History(doc)
    clip = Clipboard.copy(doc, 1000, 3000)
    history.push(CutCommand(100, 700))
    history.push(PasteCommand(clip, 4000))
    history.push(GainCommand(2000, 6000, -3.0, channels=[0, 2]))
    history.push(InsertSilenceCommand(500, 300))
    words = LabelTier("words", (Label(10, 10, "point"), Label(20, 400, "région «ü»"),
                                Label(20, 400, "same span")))
    doc.set_label_tiers([words, LabelTier("empty")])
    enhanced = EnhancedAudio(doc.tracks[0].samples.slice(200, 900), RATE, "enh-1", "cpu",
                             0.25, (0.025, 0.1125))
    doc.set_analysis("enhance", enhanced)
    doc.set_analysis("transcribe", Transcript.from_words(
        [Word("hello", 0.1, 0.3, 0.9), Word("there", 0.35, 0.5, 0.123456789)],
        "rec-tiny", "cpu", 1.5, (0.0, 1.0)))
    probs = np.random.default_rng(1).dirichlet([1, 1, 1], size=7).astype(np.float32)
    doc.set_analysis("classify", Classification(
        ("speech", "music", "noise"), 0.1, 0.2, probs,
        (Segment(0.0, 0.35, "speech", 0.7), Segment(0.35, 0.8, "music", 1 / 3)),
        "cls", "cpu", 0.01, (0.0, 0.8)))
    doc.set_selection(Selection(300, 2500, frozenset({0, 2})))
    return doc, history

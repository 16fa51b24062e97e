"""A small synthetic corpus with planted bad files, and the tasks to run over it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from tests.tiny_models import RATE, tiny_classify_spec
from workbench.runtime.corpus.per_file import CorpusTask

GOOD = ("loud.wav", "sub/quiet.wav", "sub/deep/mixed.flac")
BAD = {  # name -> what the row's reason starts with
    "empty.wav": "unreadable",
    "garbage.wav": "unreadable",
    "sub/no_samples.wav": "empty",
}


def make_corpus(folder: Path) -> Path:
    """GOOD files (0.75-1.5 s at 16 kHz) and BAD ones, in a small tree."""
    rng = np.random.default_rng(0)
    loud = (rng.standard_normal(RATE) * 0.3).astype(np.float32)
    quiet = np.zeros(RATE // 2, np.float32)
    for name, data in zip(GOOD, (loud, quiet, np.concatenate([quiet, loud]))):
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, data, RATE, subtype="PCM_16" if name.endswith(".wav") else "PCM_24")
    (folder / "empty.wav").write_bytes(b"")
    (folder / "garbage.wav").write_bytes(rng.bytes(3000))
    sf.write(folder / "sub/no_samples.wav", np.zeros(0, np.float32), RATE)
    (folder / "notes.md").write_text("not audio: a folder scan skips it\n")
    return folder


def classify_task(zoo: Path, out_dir: Path) -> CorpusTask:
    return CorpusTask("classify", tiny_classify_spec(), zoo, "tiny-classifier", out_dir)

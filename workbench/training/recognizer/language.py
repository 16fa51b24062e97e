"""The recognizer's word language model, built from the project's own text.

A word bigram (absolute discounting) over sentences of the grammar generator
(`resources/text/templates.txt` + `vocabulary.txt`, its own seed stream), with every
vocabulary word in the lexicon.  Written as ``lm.arpa`` beside the model card; the
card names it (``"lm"``) and the manifest checks its sha256.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from workbench.ml.recognizer.lm import BigramLM, build_bigram
from workbench.training.synth.text import default_generator

LM_FILE = "lm.arpa"
LM_SENTENCES = 20000
_STREAM = 211


def build_language_model(seed: int = 1, sentences: int = LM_SENTENCES) -> BigramLM:
    generator = default_generator()
    rng = np.random.default_rng([seed, _STREAM])
    text = [generator.sentence(rng) for _ in range(sentences)]
    return build_bigram(text, generator.words())


def write_language_model(folder: Path, seed: int = 1) -> Path:
    """Build the LM and write it into ``folder`` (the model's card folder)."""
    path = folder / LM_FILE
    folder.mkdir(parents=True, exist_ok=True)
    build_language_model(seed).write_arpa(path)
    return path

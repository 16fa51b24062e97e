"""A zoo holding the CNN classifier architecture with random weights, installed the way
`workbench train classifier` installs the trained one (card writer + register_model)."""

from __future__ import annotations

from pathlib import Path

import torch

from workbench.ml.classifier.net import AudioClassifier, ClassifierConfig
from workbench.ml.zoo.safe_load import save_safetensors
from workbench.training.classifier import card


def make_classifier_zoo(folder: Path, seed: int = 0, context_radius: int = 0,
                        level_input: bool = False, silence_gate_dbfs: float | None = None
                        ) -> Path:
    """``folder`` as a zoo with one random-weight "classifier" (and its card); with
    ``context_radius``, a context layer whose corrections are random too (not zero); with
    ``level_input``, a head that reads the window levels; with ``silence_gate_dbfs``, the
    level gate in its card."""
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    model = AudioClassifier(ClassifierConfig(context_radius=context_radius,
                                             level_input=level_input,
                                             silence_gate_dbfs=silence_gate_dbfs)).eval()
    if model.net.context is not None:
        torch.nn.init.normal_(model.net.context.correct.weight)
    save_safetensors(model, folder / card.WEIGHTS_FILE)
    parameters = sum(p.numel() for p in model.net.parameters())
    card.write_card(folder, model.config, parameters,
                    {"hardware": "none", "training_time": "0 s"}, {"random": 1.0},
                    "Random weights for tests.")
    card.register(folder)
    return folder

"""Tiny random-weight models of the workbench's own architectures, in a real zoo.

`make_zoo(folder, ...)` writes safetensors weights and a model card per model
and registers them with ml.zoo.register_model, exactly as a trained model is
installed; the CLI and GUI tests then run their real paths against it.
The classifier is a small test-built net following the classify task's
contract ((batch, samples) -> (batch, classes) logits): it stands in for the
audio classifier architecture another module provides.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import torch
from torch import nn

from workbench.ml.enhancer.net import MaskEnhancer
from workbench.ml.recognizer.net import CHARACTERS, CtcRecognizer
from workbench.ml.zoo import register_model
from workbench.ml.zoo.safe_load import save_safetensors

RATE = 16000
RECOGNIZER_CONFIG = {"n_mels": 16, "conv_channels": 4, "hidden": 8, "layers": 1}
ENHANCER_CONFIG = {"n_fft": 128, "hop": 32, "hidden": 8, "layers": 1}
CLASS_LABELS = ("quiet", "loud")


class TinyClassifier(nn.Module):
    """Level features of each window -> class logits: loud windows score 'loud'."""

    def __init__(self, classes: int = len(CLASS_LABELS)) -> None:
        super().__init__()
        self.out = nn.Linear(1, classes)
        with torch.no_grad():  # logit(loud) - logit(quiet) grows with the window's RMS
            self.out.weight.copy_(torch.tensor([[-20.0], [20.0]])[:classes])
            self.out.bias.copy_(torch.tensor([2.0, -2.0])[:classes])

    def forward(self, windows: torch.Tensor) -> torch.Tensor:
        return self.out(self.embeddings(windows))

    def embeddings(self, windows: torch.Tensor) -> torch.Tensor:
        """What the last layer reads: the window's RMS (one feature)."""
        return windows.pow(2).mean(dim=-1, keepdim=True).sqrt()


def build_tiny_classifier(card) -> TinyClassifier:
    return TinyClassifier(len(card.labels))


def tiny_classify_spec():
    """The registered classify spec with the test-built classifier architecture."""
    from workbench.ml.model_tasks import MODEL_TASKS

    return replace(MODEL_TASKS["classify"], build_model=build_tiny_classifier)


def _card(task: str, architecture: str, config: dict, **extra) -> str:
    front = {"task": task, "architecture": architecture, "sample_rate": RATE,
             "training_data": "none: random weights for tests", "training_command": "none",
             "hardware": "none", "training_time": "0 s", "metrics": {"random": 1.0},
             "config": config, **extra}
    return "---\n" + json.dumps(front, indent=2) + "\n---\n\nA tiny random model for tests.\n"


def _install(folder: Path, name: str, module: nn.Module, card: str) -> None:
    save_safetensors(module, folder / f"{name}.safetensors")
    (folder / f"{name}.md").write_text(card, encoding="utf-8")
    register_model(folder, name, f"{name}.safetensors", f"{name}.md")


def make_zoo(folder: Path, recognizer: bool = True, enhancer: bool = True,
             classifier: bool = True, seed: int = 0) -> Path:
    """A zoo folder with the tiny models asked for (names: tiny-recognizer, ...)."""
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    if recognizer:
        net = CtcRecognizer(RATE, len(CHARACTERS) + 1, **RECOGNIZER_CONFIG)
        _install(folder, "tiny-recognizer", net,
                 _card("speech-recognition", "ctc-recognizer", RECOGNIZER_CONFIG,
                       alphabet=CHARACTERS))
    if enhancer:
        _install(folder, "tiny-enhancer", MaskEnhancer(**ENHANCER_CONFIG),
                 _card("speech-enhancement", "mask-enhancer", ENHANCER_CONFIG))
    if classifier:
        _install(folder, "tiny-classifier", TinyClassifier(),
                 _card("audio-classification", "tiny-test-classifier",
                       {"window_s": 0.5, "hop_s": 0.25}, labels=list(CLASS_LABELS)))
    if not (folder / "manifest.json").exists():
        (folder / "manifest.json").write_text('{"format": 1, "models": []}\n')
    return folder

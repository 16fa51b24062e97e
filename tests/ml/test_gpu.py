"""The shipped models on a CUDA device give what they give on the CPU (`pytest -m gpu`;
skipped where torch sees no CUDA device).  The bundled demo recording (speech, music,
tones) goes through each model's task on both devices.

Tolerances, and why: cuDNN convolutions may use TF32 and other reduction orders, so
probabilities and samples differ in the third or fourth decimal, not more; the CTC beam
search runs on the CPU over the network's posteriors, so the words may differ only where
two hypotheses were within float noise of each other.
"""

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import torch

from tests.task_helpers import drive
from workbench.core import paths
from workbench.core.jobs import CancelToken
from workbench.ml.model_tasks import MODEL_TASKS, run_model_task
from workbench.ml.zoo import ModelZoo

pytestmark = [pytest.mark.gpu,
              pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")]
DEMO = Path(__file__).resolve().parents[2] / "resources" / "demo" / "demo.flac"


def run_on(kind: str, device: str):
    audio, rate = sf.read(DEMO, dtype="float32", always_2d=True)
    task = run_model_task(MODEL_TASKS[kind], audio, rate, CancelToken(),
                          zoo=ModelZoo(paths.models_dir()), device=device)
    return drive(task)[1]


def test_the_classifier_gives_the_same_classes_on_the_gpu():
    cpu, gpu = run_on("classify", "cpu"), run_on("classify", "cuda")
    assert gpu.device.startswith("cuda")
    assert np.abs(gpu.probabilities - cpu.probabilities).max() < 1e-2
    assert [s.label for s in gpu.segments] == [s.label for s in cpu.segments]


def test_the_enhancer_gives_the_same_audio_on_the_gpu():
    cpu, gpu = run_on("enhance", "cpu"), run_on("enhance", "cuda")
    assert gpu.device.startswith("cuda")
    a, b = cpu.samples.read(), gpu.samples.read()
    assert a.shape == b.shape and np.abs(a - b).max() < 1e-3


def test_the_recognizer_gives_the_same_words_on_the_gpu():
    cpu, gpu = run_on("transcribe", "cpu"), run_on("transcribe", "cuda")
    assert gpu.device.startswith("cuda")
    same = sum(a.word == b.word for a, b in zip(cpu.words, gpu.words, strict=False))
    assert len(gpu.words) == len(cpu.words) and same >= 0.9 * len(cpu.words)

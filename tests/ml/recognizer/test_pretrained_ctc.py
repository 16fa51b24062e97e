"""torchaudio's wav2vec 2.0 CTC recognizer through the transcribe task, by the model
manager's name, with a small test-made checkpoint in torch's hub cache."""

import numpy as np
import pytest

from tests.tiny_wav2vec2 import NAME, install_tiny_wav2vec2
from workbench.core.jobs import CancelToken
from workbench.ml.errors import ModelLoadError, PretrainedNotDownloadedError
from workbench.ml.model_tasks import MODEL_TASKS, run_model_task
from workbench.ml.recognizer.pretrained_ctc import load_wav2vec2_asr
from workbench.ml.zoo import ModelZoo


def transcribe(audio, rate, tmp_path):
    gen = run_model_task(MODEL_TASKS["transcribe"], audio, rate, CancelToken(),
                         zoo=ModelZoo(tmp_path / "empty-zoo"), model=NAME, device="cpu",
                         params={"block_s": 1.0})
    partials = []
    while True:
        try:
            partials.append(next(gen))
        except StopIteration as stop:
            return stop.value, partials


def test_a_cached_checkpoint_transcribes_with_its_own_labels(tmp_path):
    install_tiny_wav2vec2(says="A")
    rng = np.random.default_rng(0)
    audio = (rng.standard_normal((44100 * 2, 2)) * 0.1).astype(np.float32)
    result, steps = transcribe(audio, 44100, tmp_path)
    assert result.model == NAME and result.device == "cpu"
    assert result.text == "a"  # every frame says A: one word "a" (repeats collapse)
    (word,) = result.words
    assert 0.0 <= word.start < word.end <= 2.0 and 0.0 <= word.confidence <= 1.0
    assert result.span == (0.0, 2.0)


def test_the_label_for_the_space_splits_words(tmp_path):
    install_tiny_wav2vec2(says="|")
    audio = np.zeros((16000, 1), np.float32)
    result, _ = transcribe(audio, 16000, tmp_path)
    assert result.words == () or list(result.words) == []


def test_not_downloaded_and_broken_checkpoints_say_so(tmp_path):
    with pytest.raises(PretrainedNotDownloadedError, match="model manager"):
        load_wav2vec2_asr(NAME)
    path = install_tiny_wav2vec2()
    import torch

    state = torch.load(path, weights_only=True)
    del state["aux.weight"], state["aux.bias"]
    torch.save(state, path)
    with pytest.raises(ModelLoadError, match="CTC head") as error:
        load_wav2vec2_asr(NAME)
    assert str(path) in str(error.value)

"""The classifier head's level input: each window's level, read straight from the log-mel."""

import numpy as np
import torch

from tests.classifier_zoo import make_classifier_zoo
from workbench.core.jobs import run_to_completion
from workbench.ml.classifier.net import LEVEL_FEATURES, AudioClassifier, ClassifierConfig
from workbench.ml.classifier.task import build_classifier, classify_signal
from workbench.ml.zoo.model_zoo import ModelZoo

SMALL = {"channels": (4, 4, 4, 4, 4), "embedding": 8}
RATE = 16000


def noise_at(db: float, seconds: float, seed: int = 0) -> np.ndarray:
    audio = np.random.default_rng(seed).standard_normal(int(seconds * RATE))
    return (audio * 10 ** (db / 20)).astype(np.float32)


def test_window_levels_follow_the_signal_level_in_db():
    model = AudioClassifier(ClassifierConfig(level_input=True, **SMALL)).eval()
    signal = np.concatenate([noise_at(-20.0, 3.0), noise_at(-60.0, 3.0, seed=1)])
    with torch.inference_mode():
        levels = model.net.window_levels(model.logmel(torch.from_numpy(signal)[None]))[0]
    assert levels.shape[-1] == LEVEL_FEATURES
    loud, quiet = levels[:4], levels[-4:]  # windows wholly inside each half
    # 40 dB apart, on a scale of 20 dB per unit, for the mean and the low percentile alike.
    np.testing.assert_allclose((loud - quiet).numpy(), 2.0, atol=0.05)
    # The low percentile of a window half loud, half quiet sits with the quiet half.
    c = model.config
    straddling = levels[(3 * RATE - c.window_samples // 2) // c.hop_samples]
    assert abs(float(straddling[1] - quiet[0, 1])) < 0.1 and straddling[0] > quiet[0, 0] + 1.5


def test_with_level_input_one_pass_equals_each_window_alone_and_the_head_reads_the_levels():
    torch.manual_seed(0)
    model = AudioClassifier(ClassifierConfig(level_input=True, **SMALL)).eval()
    assert model.net.head.in_features == 2 * 8 + LEVEL_FEATURES
    signal = torch.from_numpy(noise_at(-30.0, 4.0))
    c = model.config
    with torch.inference_mode():
        logits, pooled = model.signal_window_outputs(signal)
        windows = torch.stack([signal[i * c.hop_samples:i * c.hop_samples + c.window_samples]
                               for i in range(len(logits))])
        alone = model.net(model.logmel(windows))
        quieter = model.signal_window_outputs(signal * 0.01)[0]
    assert pooled.shape[-1] == 2 * 8 + LEVEL_FEATURES
    torch.testing.assert_close(logits, alone, atol=1e-5, rtol=1e-5)
    # The same sound 40 dB quieter: the CNN's per-band normalisation passes level on too, but
    # the level columns alone move the logits by the head's weights times 2.0.
    with torch.no_grad():
        model.net.head.weight[:, :-LEVEL_FEATURES] = 0.0
        flat = model.signal_window_outputs(signal)[0] - model.signal_window_outputs(
            signal * 0.01)[0]
    expected = 2.0 * model.net.head.weight[:, -LEVEL_FEATURES:].sum(dim=1)
    torch.testing.assert_close(flat, expected.expand_as(flat), atol=0.02, rtol=0.02)
    assert not torch.allclose(logits, quieter)


def test_a_level_input_model_is_built_from_its_card(tmp_path):
    zoo = ModelZoo(make_classifier_zoo(tmp_path / "zoo", level_input=True))
    entry = zoo.entry("classifier")
    assert entry.card.config["level_input"] is True
    model = zoo.load_weights_into("classifier", build_classifier(entry.card)).eval()
    result = run_to_completion(lambda c: classify_signal(model, noise_at(-30.0, 3.0), c))
    assert result.probabilities.shape[1] == 5
    np.testing.assert_allclose(result.probabilities.sum(axis=1), 1.0, atol=1e-5)

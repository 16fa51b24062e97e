"""The sound-class CNN: shapes, exact one-pass windows, chunked classification, the classify
task on real audio layouts, and the shipped model on freshly synthesized clips."""

import numpy as np
import pytest
import torch

from tests.classifier_zoo import make_classifier_zoo
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import Cancelled, CancelToken, Progress, run_to_completion
from workbench.core.paths import MODELS
from workbench.ml.classifier.inspection import inspect_window, saliency, window_view
from workbench.ml.classifier.net import (
    AudioClassifier,
    ClassifierConfig,
    build_classifier,
    window_count,
)
from workbench.ml.classifier.task import classify_signal, plan_chunks, window_starts
from workbench.ml.model_tasks import MODEL_TASKS, run_model_task
from workbench.ml.zoo import ModelZoo
from workbench.training.classifier.recipe import CLASSES, synthesize_clip
from workbench.training.synth.arrays import normalize_rms

RATE = 16000


@pytest.fixture(scope="module")
def random_model():
    torch.manual_seed(3)
    model = AudioClassifier(ClassifierConfig()).eval()
    # Random running statistics, so the exactness checks see a non-trivial normalisation.
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-1, 1)
                module.running_var.uniform_(0.5, 2)
    return model


@pytest.fixture(scope="module")
def shipped():
    zoo = ModelZoo(MODELS)
    model = build_classifier(zoo.entry("classifier").card)
    return zoo.load_weights_into("classifier", model).eval()


def noise(seconds, seed=0, level=0.1):
    return (np.random.default_rng(seed).standard_normal(int(seconds * RATE)) * level
            ).astype(np.float32)


def test_network_shapes(random_model):
    config = random_model.config
    assert (config.window_samples, config.hop_samples) == (14592, 3840)  # 0.912 s, 0.24 s
    logmel = random_model.logmel(torch.from_numpy(noise(3.0)).reshape(3, RATE))
    assert logmel.shape == (3, 1, 64, 97)
    assert random_model.net(logmel).shape == (3, 5)
    assert random_model.net.frame_features(logmel).shape == (3, 96, 7)
    assert random_model(torch.zeros(2, config.window_samples)).shape == (2, 5)
    with pytest.raises(ValueError, match="89 frames"):
        random_model.net(logmel[..., :80])


def test_one_pass_over_a_recording_equals_each_window_on_its_own(random_model):
    signal = noise(5.0, level=0.3)
    config = random_model.config
    with torch.inference_mode():
        together = random_model.signal_window_logits(torch.from_numpy(signal))
        alone = random_model(torch.stack([torch.from_numpy(signal[s:s + config.window_samples])
                                          for s in window_starts(len(signal), config)[:-1]]))
    assert together.shape[0] == window_count(len(signal), config) == 18
    assert torch.allclose(together, alone, atol=1e-4)


def test_the_penultimate_features_are_what_the_head_classifies(random_model):
    signal = noise(3.0, level=0.3, seed=2)
    config = random_model.config
    with torch.inference_mode():
        logits, pooled = random_model.signal_window_outputs(torch.from_numpy(signal))
        first = random_model.embeddings(torch.from_numpy(signal[:config.window_samples])[None])
        assert torch.allclose(logits,
                              random_model.signal_window_logits(torch.from_numpy(signal)))
        assert torch.allclose(random_model.net.head(pooled), logits, atol=1e-5)
    assert pooled.shape == (window_count(len(signal), config), 2 * config.embedding)
    assert torch.allclose(first[0], pooled[0], atol=1e-4)


def test_chunks_give_the_same_probabilities_and_the_last_window_ends_with_the_audio(
        random_model):
    signal = noise(7.3, seed=1)
    config = random_model.config
    small = run_to_completion(lambda c: classify_signal(random_model, signal, c, chunk_windows=4))
    large = run_to_completion(lambda c: classify_signal(random_model, signal, c))
    assert np.allclose(small.probabilities, large.probabilities, atol=1e-5)
    assert len(plan_chunks(len(signal), config, 4)) == 8  # 27 grid windows + the end one
    end = small.window_starts[-1] + small.window_s
    assert end == pytest.approx(len(signal) / RATE)
    assert small.segments[0].start == 0.0 and small.segments[-1].end == pytest.approx(7.3)
    assert np.allclose(small.probabilities.sum(axis=1), 1.0, atol=1e-5)


def test_audio_shorter_than_a_window_is_looped_into_one(random_model):
    signal = noise(0.3)
    result = run_to_completion(lambda c: classify_signal(random_model, signal, c))
    assert result.probabilities.shape == (1, 5) and result.span == (0.0, pytest.approx(0.3))
    looped = run_to_completion(lambda c: classify_signal(random_model, np.tile(signal, 4), c))
    assert np.allclose(result.probabilities[0], looped.probabilities[0], atol=1e-5)


def test_cancelling_stops_between_chunks(random_model):
    cancel = CancelToken()
    task = classify_signal(random_model, noise(30.0), cancel, chunk_windows=8)
    assert isinstance(next(task), Progress)
    cancel.set()
    with pytest.raises(Cancelled):
        next(task)


def test_the_weights_file_holds_only_trained_tensors_and_the_task_reads_any_layout(tmp_path):
    zoo = ModelZoo(make_classifier_zoo(tmp_path / "zoo"))
    entry = zoo.entry("classifier")
    assert entry.usable and entry.card.config["window_s"] == pytest.approx(0.912)
    model = build_classifier(entry.card)
    assert all(k.startswith("net.") for k in model.state_dict())
    stereo = np.stack([noise(4.0, seed=2), noise(4.0, seed=3)], axis=1)
    at_44k = np.repeat(stereo, 3, axis=0)[: int(4.0 * 48000)]  # 48 kHz, stereo
    result = run_to_completion(lambda c: run_model_task(
        MODEL_TASKS["classify"], BlockSequence.from_array(at_44k), 48000, c, zoo=zoo,
        device="cpu", params={"chunk_windows": 5}))
    assert result.labels == CLASSES and result.model == "classifier"
    assert len(result.probabilities) == window_count(4 * RATE, model.config) + 1
    assert result.segments[-1].end == pytest.approx(4.0)
    assert result.window_embeddings is None  # kept only when asked for
    with_features = run_to_completion(lambda c: run_model_task(
        MODEL_TASKS["classify"], BlockSequence.from_array(at_44k), 48000, c, zoo=zoo,
        device="cpu", params={"chunk_windows": 5, "embeddings": True}))
    assert with_features.window_embeddings.shape == (len(result.probabilities), 192)
    np.testing.assert_array_equal(with_features.probabilities, result.probabilities)


def test_saliency_and_inspection_have_the_input_shape(random_model):
    window = noise(1.0)
    view = window_view(random_model, window)
    assert saliency(random_model, window, "tone").shape == view.logmel.shape == (64, 89)
    assert len(view.band_edges_hz) == 66 and view.band_edges_hz[-1] == pytest.approx(8000)
    with torch.inference_mode():  # as inside a model task
        inspection = inspect_window(random_model, window, None, start_s=2.0)
    assert inspection.label in CLASSES and inspection.start_s == 2.0
    assert [m.shape[0] for m in inspection.feature_maps] == [16, 32, 48, 64, 64]


# -- the shipped model ----------------------------------------------------------------

@pytest.mark.parametrize("label", CLASSES)
def test_the_shipped_model_labels_a_fresh_clip_of_each_class(shipped, label):
    # "eval" split voices, at indices the evaluation set never uses.
    clip = synthesize_clip(label, "eval", 90_000 + CLASSES.index(label), RATE, 3.0).audio
    if label != "silence":
        clip = normalize_rms(clip, -26.0)
    result = run_to_completion(lambda c: classify_signal(shipped, clip, c))
    predicted = np.array(CLASSES)[result.probabilities.argmax(axis=1)]
    assert np.mean(predicted == label) >= 0.8, list(predicted)
    assert max(result.summary().items(), key=lambda kv: kv[1])[0] == label


def test_saliency_highlights_the_band_of_a_tone_over_silence(shipped):
    t = np.arange(int(1.2 * RATE)) / RATE
    room = np.random.default_rng(5).standard_normal(len(t)) * 10 ** (-75 / 20)
    clip = (0.1 * np.sin(2 * np.pi * 1000 * t) + room).astype(np.float32)
    window = clip[:shipped.config.window_samples]
    view = window_view(shipped, window)
    centres = view.band_edges_hz[1:-1]
    tone_band = int(np.argmin(np.abs(centres - 1000)))
    evidence = np.clip(saliency(shipped, window, "tone"), 0, None).sum(axis=1)
    assert abs(int(np.argmax(evidence)) - tone_band) <= 1
    near = np.zeros(len(evidence), dtype=bool)
    near[tone_band - 2: tone_band + 3] = True  # the tone leaks into neighbouring mel bands
    assert evidence[near].mean() > 3 * evidence[~near].mean()

"""The classifier's context layer: a window's class weighs its neighbours', the same whether
a recording is classified whole, chunk by chunk or live, and it travels with the weights."""

import numpy as np
import pytest
import torch

from tests.classifier_zoo import make_classifier_zoo
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import run_to_completion
from workbench.ml.classifier.live import LiveClassifier
from workbench.ml.classifier.net import AudioClassifier, ClassifierConfig, build_classifier
from workbench.ml.classifier.task import WindowOutputs, WindowSequence, classify_signal
from workbench.ml.model_tasks import MODEL_TASKS, run_model_task
from workbench.ml.zoo import ModelZoo

RATE = 16000
SMALL = {"channels": (4, 4, 4, 4, 4), "embedding": 8}


def noisy(seconds, seed=0):
    return (np.random.default_rng(seed).standard_normal(int(seconds * RATE)) * 0.2
            ).astype(np.float32)


def with_random_context(radius=3, seed=0):
    torch.manual_seed(seed)
    model = AudioClassifier(ClassifierConfig(context_radius=radius, context_hidden=6, **SMALL))
    torch.nn.init.normal_(model.net.context.correct.weight)
    return model.eval()


def test_an_untrained_context_layer_changes_nothing():
    torch.manual_seed(1)
    plain = AudioClassifier(ClassifierConfig(**SMALL)).eval()
    fresh = AudioClassifier(ClassifierConfig(context_radius=4, **SMALL)).eval()
    fresh.net.load_state_dict(plain.net.state_dict(), strict=False)
    signal = torch.from_numpy(noisy(6.0))
    with torch.inference_mode():
        assert torch.equal(fresh.signal_window_logits(signal), plain.signal_window_logits(signal))


def test_the_context_layer_overrules_a_lone_window_from_its_neighbours():
    model = AudioClassifier(ClassifierConfig(context_radius=2, context_hidden=5, **SMALL)).eval()
    context = model.net.context
    with torch.no_grad():
        # hidden = 10 + log-probability of each class (positive), averaged over the five
        # windows, added back to each class's logit: a smoothing of the class scores.
        context.reduce.weight.copy_(torch.eye(5)[:, :, None])
        context.reduce.bias.fill_(10.0)
        context.mix.weight.copy_(torch.eye(5)[:, :, None].expand(5, 5, 5) / 5)
        context.mix.bias.zero_()
        context.correct.weight.copy_(3.0 * torch.eye(5)[:, :, None])
    music, tone = 1, 3
    logits = torch.full((1, 9, 5), -4.0)
    logits[0, :, music] = 4.0
    logits[0, 4] = -4.0
    logits[0, 4, tone] = 2.0  # one window alone says tone; its neighbours say music
    with torch.no_grad():
        alone = logits.argmax(-1)[0]
        in_context = model.net.in_context(logits).argmax(-1)[0]
    assert alone[4] == tone and in_context[4] == music
    assert torch.equal(in_context, torch.full((9,), music))


def test_a_range_of_a_growing_sequence_equals_that_range_of_the_whole():
    model = with_random_context(radius=3)
    alone = torch.randn(20, 5)
    with torch.no_grad():
        whole = model.net.in_context(alone[None])[0]
        assert model.net.context_logits(alone[:0], 0, 0).shape == (0, 5)
        for first, stop in [(0, 20), (0, 1), (5, 9), (17, 20), (19, 20)]:
            assert torch.allclose(model.net.context_logits(alone, first, stop),
                                  whole[first:stop], atol=1e-6)


def test_windows_added_a_few_at_a_time_end_as_the_whole_sequence():
    model = with_random_context(radius=3)
    alone = np.random.default_rng(2).standard_normal((23, 5)).astype(np.float32)
    sequence = WindowSequence(5)

    def outputs(logits):
        return WindowOutputs(logits, np.zeros((len(logits), 8)), np.zeros((len(logits), 4)))

    first = sequence.add(model, outputs(alone[:2])).copy()
    for start in range(2, 23, 4):
        sequence.add(model, outputs(alone[start:start + 4]))
    with torch.no_grad():
        whole = torch.softmax(model.net.in_context(torch.from_numpy(alone)[None])[0], -1)
    np.testing.assert_allclose(sequence.probabilities, whole.numpy(), atol=1e-6)
    # The first windows were scored with what had come then: more windows re-scored them.
    assert not np.allclose(first, sequence.probabilities[:2], atol=1e-4)


def test_chunks_give_what_one_pass_gives_in_context():
    model = with_random_context(radius=3)
    signal = noisy(9.7, seed=3)
    small = run_to_completion(lambda c: classify_signal(model, signal, c, chunk_windows=4))
    large = run_to_completion(lambda c: classify_signal(model, signal, c))
    np.testing.assert_allclose(small.probabilities, large.probabilities, atol=1e-5)
    with torch.inference_mode():
        grid = torch.softmax(model.signal_window_logits(torch.from_numpy(signal)), -1).numpy()
    # The grid windows away from the end (where the flush end window is a neighbour) match.
    np.testing.assert_allclose(large.probabilities[:len(grid) - 3], grid[:-3], atol=1e-5)


@pytest.fixture(scope="module")
def context_zoo(tmp_path_factory):
    return ModelZoo(make_classifier_zoo(tmp_path_factory.mktemp("zoo"), seed=4,
                                        context_radius=4))


def test_a_context_model_is_built_from_its_card_and_its_weights_hold_the_layer(context_zoo):
    entry = context_zoo.entry("classifier")
    assert entry.card.config["context_radius"] == 4
    model = context_zoo.load_weights_into("classifier", build_classifier(entry.card)).eval()
    assert model.net.context is not None
    assert model.net.context.correct.weight.abs().sum() > 0  # the trained layer, not a fresh one


@pytest.mark.parametrize("block", [1601, 333])
def test_live_classes_end_as_the_whole_file_classes_in_context(context_zoo, block):
    signal = np.concatenate([noisy(3.0, seed=5), 0.3 * np.sin(np.arange(3 * RATE) / 5.0)
                             ]).astype(np.float32)
    model = context_zoo.load_weights_into(
        "classifier", build_classifier(context_zoo.entry("classifier").card)).eval()
    live = LiveClassifier(model, RATE)
    for i in range(0, len(signal), block):
        live.feed(signal[i:i + block])
    live = live.finish()
    whole = run_to_completion(lambda c: run_model_task(
        MODEL_TASKS["classify"], BlockSequence.from_array(signal[:, None]), RATE, c,
        zoo=context_zoo, device="cpu", params={"chunk_windows": 7}))
    np.testing.assert_allclose(live.probabilities, whole.probabilities, atol=1e-5)
    assert [(s.label, s.start, s.end) for s in live.segments] == \
        [(s.label, s.start, s.end) for s in whole.segments]

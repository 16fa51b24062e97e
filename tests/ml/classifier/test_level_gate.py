"""The classifier's level gate: the labelling rule says what is quiet enough to be silence.

A window quieter than the card's gate all through is silence whatever the network says; one
with a loud centre, or loud on both sides of it, is never silence; at the edge of a silence
the network decides. The same whole, in chunks and live; without a gate, or without a
silence class, the network's answer stands."""

import numpy as np
import pytest
import torch

from workbench.core.jobs import run_to_completion
from workbench.ml.classifier.live import LiveClassifier
from workbench.ml.classifier.net import AudioClassifier, ClassifierConfig
from workbench.ml.classifier.task import classify_signal, window_levels_db

RATE = 16000
SMALL = {"channels": (4, 4, 4, 4, 4), "embedding": 8, "context_radius": 2, "context_hidden": 6}
GATE = -52.0


def model_with(gate, labels=None, seed=0):
    torch.manual_seed(seed)
    extra = {} if labels is None else {"labels": labels}
    model = AudioClassifier(ClassifierConfig(silence_gate_dbfs=gate, **SMALL, **extra))
    torch.nn.init.normal_(model.net.context.correct.weight)
    return model.eval()


def at_dbfs(seconds, dbfs, seed):
    noise = np.random.default_rng(seed).standard_normal(int(seconds * RATE))
    return (noise * 10 ** (dbfs / 20)).astype(np.float32)


def quiet_then_loud():
    """4 s of room tone at -70 dBFS, then 4 s of noise at -20 dBFS."""
    return np.concatenate([at_dbfs(4.0, -70.0, 1), at_dbfs(4.0, -20.0, 2)])


def test_quiet_windows_are_silence_and_loud_ones_never_are():
    model = model_with(GATE)
    result = run_to_completion(lambda c: classify_signal(model, quiet_then_loud(), c))
    silence = model.config.labels.index("silence")
    starts = result.window_starts
    quiet = starts + model.config.window_s <= 4.0
    loud = starts >= 4.0
    assert quiet.any() and loud.any()
    assert np.allclose(result.probabilities[quiet, silence], 1.0)
    assert np.all(result.probabilities[loud, silence] == 0.0)
    assert np.allclose(result.probabilities.sum(axis=1), 1.0)
    # Loud windows keep the network's ranking of the other classes.
    plain = run_to_completion(lambda c: classify_signal(model_with(None), quiet_then_loud(), c))
    others = [i for i in range(len(model.config.labels)) if i != silence]
    np.testing.assert_array_equal(result.probabilities[loud][:, others].argmax(axis=1),
                                  plain.probabilities[loud][:, others].argmax(axis=1))


@pytest.mark.parametrize("labels", [None, ("speech", "music", "noise")])
def test_without_a_gate_or_a_silence_class_the_network_answers(labels):
    gate = None if labels is None else GATE
    model = model_with(gate, labels)
    result = run_to_completion(lambda c: classify_signal(model, quiet_then_loud(), c))
    # An untrained network is never this sure: nothing was forced to 0 or 1.
    assert np.all((result.probabilities > 1e-6) & (result.probabilities < 1 - 1e-6))


def test_the_gate_gives_the_same_answer_whole_in_chunks_and_live():
    model = model_with(GATE)
    signal = quiet_then_loud()
    whole = run_to_completion(lambda c: classify_signal(model, signal, c))
    chunks = run_to_completion(lambda c: classify_signal(model, signal, c, chunk_windows=3))
    np.testing.assert_allclose(chunks.probabilities, whole.probabilities, atol=1e-5)
    live = LiveClassifier(model, RATE)
    for start in range(0, len(signal), 3000):
        live.feed(signal[start:start + 3000])
    np.testing.assert_allclose(live.finish().probabilities, whole.probabilities, atol=1e-5)


def test_window_levels_are_rms_in_dbfs():
    config = ClassifierConfig()
    t = np.arange(3 * RATE) / RATE
    sine = np.sin(2 * np.pi * 440.0 * t)  # full scale: RMS -3.01 dBFS
    levels = window_levels_db(np.concatenate([sine, 0.01 * sine]), config, 20)
    assert levels.shape == (20, 4)
    starts = np.arange(20) * config.hop_samples
    inside = starts + config.window_samples <= len(sine)
    after = starts >= len(sine)
    assert np.allclose(levels[inside], -3.01, atol=0.05)
    assert np.allclose(levels[after], -43.01, atol=0.05)
    assert window_levels_db(np.zeros(config.window_samples), config, 1)[0].max() < -150


def test_a_faint_sound_at_the_centre_of_a_quiet_window_is_not_silence():
    # The central cell just above the gate and nothing around it: the whole window reads
    # quiet, the centre loud; the centre decides, and no class is left without a chance.
    model = model_with(GATE)
    config = model.config
    n, cell = config.window_samples, config.hop_samples
    window = np.zeros(n, np.float32)
    window[(n - cell) // 2:(n + cell) // 2] = at_dbfs(cell / RATE, GATE + 2.0, 7)[:cell]
    whole, centre = window_levels_db(window, config, 1)[0, :2]
    assert whole < GATE <= centre
    probabilities = window_model_sees(model, window)
    assert np.all(np.isfinite(probabilities)) and probabilities.sum() == pytest.approx(1.0)
    assert probabilities[config.labels.index("silence")] == 0.0


def test_a_dc_offset_is_not_sound():
    # Room tone from a converter with a DC offset of -26 dBFS is still silence.
    model = model_with(GATE)
    offset = at_dbfs(3.0, -70.0, 6) + 0.05
    assert window_levels_db(offset, model.config, 1)[0, 0] == pytest.approx(-70.0, abs=0.5)
    result = run_to_completion(lambda c: classify_signal(model, offset, c))
    assert np.allclose(result.probabilities[:, model.config.labels.index("silence")], 1.0)


def window_model_sees(model, samples):
    """Probabilities of one window's samples, as the classify task gives them."""
    result = run_to_completion(lambda c: classify_signal(model, samples, c))
    return result.probabilities[0]


def test_at_the_edge_of_a_silence_the_network_decides_and_sparse_clicks_are_never_silence():
    model, plain = model_with(GATE), model_with(None)
    config = model.config
    silence = config.labels.index("silence")
    n, cell = config.window_samples, config.hop_samples
    # Room tone with a loud sound in the last fifth: the centre is silent, and the quiet
    # left part holds it, so the gate leaves the window to the network.
    edge = at_dbfs(n / RATE, -70.0, 3)
    edge[n - n // 5:] = at_dbfs(1.0, -20.0, 4)[:n // 5]
    np.testing.assert_allclose(window_model_sees(model, edge), window_model_sees(plain, edge),
                               atol=1e-6)
    # Clicks every 0.2 s, none in the central cell: loud on both sides of a quiet centre.
    clicks = at_dbfs(n / RATE, -70.0, 5)
    centre = range((n - cell) // 2, (n + cell) // 2)
    for start in range(0, n - 200, int(0.2 * RATE)):
        if start not in centre and start + 200 not in centre:
            clicks[start:start + 200] = 0.5
    levels = window_levels_db(clicks, config, 1)[0]
    assert levels[1] < GATE <= min(levels[2], levels[3])
    assert window_model_sees(model, clicks)[silence] == 0.0


def test_the_gate_travels_in_the_card_config_and_old_cards_have_none():
    config = ClassifierConfig(silence_gate_dbfs=GATE)
    assert ClassifierConfig.from_json(config.to_json()).silence_gate_dbfs == GATE
    old = {k: v for k, v in config.to_json().items() if k != "silence_gate_dbfs"}
    assert ClassifierConfig.from_json(old).silence_gate_dbfs is None


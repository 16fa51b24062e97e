"""The recognizer and enhancer architectures, and greedy CTC decoding to timed words."""

import numpy as np
import pytest
import torch

from workbench.ml.enhancer.net import MaskEnhancer, build_enhancer
from workbench.ml.recognizer.decode import greedy_ctc_words
from workbench.ml.recognizer.net import CHARACTERS, CtcRecognizer, build_recognizer
from workbench.ml.zoo import ModelCard

SPF = 0.04


def posteriorgram(frames: list[str], certainty: float = 0.9) -> np.ndarray:
    """Log posteriors where frame t's best symbol is frames[t] ('_' is blank)."""
    symbols = len(CHARACTERS) + 1
    rest = (1 - certainty) / (symbols - 1)
    out = np.full((len(frames), symbols), rest)
    for t, ch in enumerate(frames):
        out[t, 0 if ch == "_" else CHARACTERS.index(ch) + 1] = certainty
    return np.log(out)


def card(architecture, config=None, alphabet=None):
    return ModelCard(task="x", architecture=architecture, sample_rate=16000, training_data="",
                     training_command="", hardware="", training_time="", metrics={},
                     alphabet=alphabet, config=config or {})


def test_greedy_decoding_gives_words_with_frame_times():
    frames = list("__hh_ii__ _yy_oo'__")
    words = greedy_ctc_words(posteriorgram(frames), CHARACTERS, SPF)
    assert [w.word for w in words] == ["hi", "yo'"]
    assert words[0].start == pytest.approx(2 * SPF) and words[0].end == pytest.approx(7 * SPF)
    assert words[1].start == pytest.approx(11 * SPF) and words[1].end == pytest.approx(17 * SPF)
    assert all(w.confidence == pytest.approx(0.9) for w in words)


def test_a_blank_between_equal_symbols_keeps_both_and_offset_moves_times():
    frames = list("_too_o__ _")  # t, o held for two frames, blank, o again
    words = greedy_ctc_words(posteriorgram(frames, 0.6), CHARACTERS, SPF, offset=10.0)
    assert [w.word for w in words] == ["too"]
    assert words[0].start == pytest.approx(10.0 + SPF)
    assert words[0].end == pytest.approx(10.0 + 6 * SPF)
    assert words[0].confidence == pytest.approx(0.6)


def test_decoding_silence_gives_no_words_and_checks_the_alphabet():
    assert greedy_ctc_words(posteriorgram(list("_____")), CHARACTERS, SPF) == []
    with pytest.raises(ValueError):
        greedy_ctc_words(np.zeros((4, 5)), CHARACTERS, SPF)


def test_recognizer_gives_log_posteriors_on_its_frame_grid():
    net = CtcRecognizer(n_mels=16, conv_channels=4, hidden=8, layers=1).eval()
    assert net.seconds_per_frame == pytest.approx(0.04)
    with torch.no_grad():
        out = net(torch.randn(2, 16000))
    assert out.shape == (2, net.output_frames(16000), len(CHARACTERS) + 1) == (2, 26, 29)
    assert torch.allclose(out.exp().sum(-1), torch.ones(2, 26), atol=1e-5)


def test_cards_build_their_architecture_and_refuse_others():
    net = build_recognizer(card("ctc-recognizer", {"hidden": 8, "layers": 1, "n_mels": 16},
                                alphabet=" ab"))
    assert net.classify.out_features == 4 and net.rnn[0].hidden == 8
    assert isinstance(build_enhancer(card("mask-enhancer", {"n_fft": 64, "hop": 16})),
                      MaskEnhancer)
    with pytest.raises(ValueError, match="mask-enhancer"):
        build_enhancer(card("ctc-recognizer"))
    with pytest.raises(ValueError, match="space"):
        build_recognizer(card("ctc-recognizer", alphabet="ab"))


@pytest.mark.parametrize("samples", [1000, 4097])
def test_enhancer_keeps_length_and_channels(samples):
    net = MaskEnhancer(n_fft=128, hop=32, hidden=8, layers=1).eval()
    x = torch.randn(3, samples) * 0.1
    with torch.no_grad():
        y = net(x)
    assert y.shape == x.shape and torch.isfinite(y).all()
    # a mask in [0, 1] never adds energy (up to overlap-add rounding)
    assert y.pow(2).sum() <= x.pow(2).sum() * 1.01

"""The timed RNN-T beam search finds what torchaudio's finds, and times each token at the
frame where the joint network emitted it."""

import pytest
import torch
from torchaudio.models import RNNTBeamSearch

from tests.tiny_emformer import NAME, install_tiny_emformer, noise
from workbench.ml.recognizer.pretrained_rnnt import BEAM_WIDTH, load_emformer_rnnt
from workbench.ml.recognizer.rnnt.beam_search import TimedRNNTBeamSearch
from workbench.ml.recognizer.rnnt.features import LogMelStream


def test_the_timed_search_is_torchaudios_and_times_each_token_where_it_came():
    install_tiny_emformer(blank_bias=3.0, word_bias=2.0)
    model = load_emformer_rnnt(NAME)
    stream = LogMelStream(model.mean, model.invstddev)
    features = torch.cat([stream.feed(noise(1.0)[:, 0]), stream.finish(), torch.zeros(4, 80)])
    length = torch.tensor([len(features)])
    with torch.inference_mode():
        theirs = RNNTBeamSearch(model.rnnt, model.blank)(features, length, BEAM_WIDTH)
        ours = TimedRNNTBeamSearch(model.rnnt, model.blank, BEAM_WIDTH)(features, length,
                                                                           BEAM_WIDTH)
        encoded, _ = model.rnnt.transcribe(features[None], length)
    assert [(h[0], h[3]) for h in ours] == [(h[0], h[3]) for h in theirs]
    tokens, frames, log_probs = ours[0][0], ours[0][4], ours[0][5]
    assert len(tokens) - 1 == len(frames) == len(log_probs) >= 3
    assert list(frames) == sorted(frames) and 0 <= frames[0] and frames[-1] < encoded.shape[1]
    with torch.inference_mode():  # each token's probability, recomputed at its frame
        predicted, _, _ = model.rnnt.predict(torch.tensor([tokens[:-1]]),
                                             torch.tensor([len(tokens) - 1]), None)
        for i, (token, frame) in enumerate(zip(tokens[1:], frames, strict=True)):
            joint, _, _ = model.rnnt.join(encoded[:, frame:frame + 1], torch.tensor([1]),
                                          predicted[:, i:i + 1], torch.tensor([1]))
            expected = torch.log_softmax(joint[0, 0, 0], dim=-1)[token]
            assert log_probs[i] == pytest.approx(float(expected), abs=1e-4)

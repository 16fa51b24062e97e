"""The Emformer RNN-T's features fed block by block are torchaudio's pipeline features."""

import torch
from torchaudio.pipelines import rnnt_pipeline

from tests.tiny_emformer import install_tiny_emformer, noise
from workbench.ml.recognizer.rnnt.features import LogMelStream, read_global_stats


def test_features_fed_in_pieces_are_torchaudios_whole_file_features():
    _, stats_path, _ = install_tiny_emformer()
    signal = noise(1.03)[:, 0]
    pipeline = torch.nn.Sequential(  # torchaudio's extractor, without its right padding
        rnnt_pipeline.torchaudio.transforms.MelSpectrogram(
            sample_rate=16000, n_fft=400, n_mels=80, hop_length=160),
        rnnt_pipeline._FunctionalModule(lambda x: x.transpose(1, 0)),
        rnnt_pipeline._FunctionalModule(
            lambda x: rnnt_pipeline._piecewise_linear_log(x * rnnt_pipeline._gain)),
        rnnt_pipeline._GlobalStatsNormalization(str(stats_path)))
    expected = pipeline(torch.from_numpy(signal.copy()))
    stream = LogMelStream(*read_global_stats(stats_path))
    cuts = [0, 150, 151, 5000, 5003, 12000, len(signal)]  # the first piece is too short
    frames = [stream.feed(signal[a:b]) for a, b in zip(cuts, cuts[1:], strict=False)]
    got = torch.cat([*frames, stream.finish()])
    assert got.shape == expected.shape == (len(signal) // 160 + 1, 80)
    torch.testing.assert_close(got, expected, atol=1e-4, rtol=1e-4)

"""torchaudio's Emformer RNN-T recognizer through the transcribe task, by the model
manager's name, with a small test-made checkpoint, sentencepiece model and feature
statistics in torch's hub cache.  Random weights say arbitrary words, so these tests
check the pipeline and the decoder, not what is said."""

import pytest
import torch

from tests.tiny_emformer import NAME, install_tiny_emformer, noise
from workbench.core.jobs import Cancelled, CancelToken, run_to_completion
from workbench.ml.errors import ModelLoadError, PretrainedNotDownloadedError
from workbench.ml.model_tasks import MODEL_TASKS, run_model_task
from workbench.ml.recognizer.pretrained_rnnt import (
    EncoderWindows,
    load_emformer_rnnt,
)
from workbench.ml.recognizer.rnnt.features import LogMelStream
from workbench.ml.zoo import ModelZoo


def transcribe(audio, rate, tmp_path, block_s=1.0):
    return run_to_completion(lambda cancel: run_model_task(
        MODEL_TASKS["transcribe"], audio, rate, cancel, zoo=ModelZoo(tmp_path / "empty-zoo"),
        model=NAME, device="cpu", params={"block_s": block_s}))


def test_words_have_times_in_the_audio_and_blocks_change_nothing(tmp_path):
    install_tiny_emformer(blank_bias=3.0, word_bias=2.0)
    audio = noise(1.5, rate=22050, channels=2)
    whole = transcribe(audio, 22050, tmp_path, block_s=30.0)
    assert whole.model == NAME and whole.device == "cpu" and whole.span == (0.0, 1.5)
    assert len(whole.words) >= 2 and whole.text == " ".join(w.word for w in whole.words)
    starts = [w.start for w in whole.words]
    assert starts == sorted(starts)
    for word in whole.words:
        assert word.word and word.word == word.word.lower() and "\u2581" not in word.word
        assert 0.0 <= word.start < word.end <= 1.5 and 0.0 < word.confidence <= 1.0


def test_encoder_windows_equal_one_pass_over_the_whole_file():
    install_tiny_emformer()
    model = load_emformer_rnnt(NAME)
    windows = EncoderWindows(model.rnnt, torch.device("cpu"), window_segments=2)
    assert windows.warmup == 17 * 16  # 2 layers x (30 + 4) encoder frames x 4
    stream = LogMelStream(model.mean, model.invstddev)
    features = torch.cat([stream.feed(noise(6.0)[:, 0]), stream.finish()])  # 601 frames
    with torch.inference_mode():
        pieces = [*windows.push(features[:300]), *windows.push(features[300:]),
                  *windows.finish(torch.zeros(0, 80))]
        padded = torch.cat([features, torch.zeros(608 + 4 - 601, 80)])
        whole, _ = model.rnnt.transcribe(padded[None], torch.tensor([len(padded)]))
    firsts = [first for first, _ in pieces]
    assert firsts == sorted(firsts) and firsts[-1] * 4 > 2 * windows.warmup  # seams far in
    torch.testing.assert_close(torch.cat([e for _, e in pieces], 1), whole, atol=1e-4,
                               rtol=1e-4)


def test_block_seams_change_nothing(tmp_path):
    install_tiny_emformer(blank_bias=3.0, word_bias=2.0)
    audio = noise(4.0)
    whole = transcribe(audio, 16000, tmp_path, block_s=30.0)
    pieces = transcribe(audio, 16000, tmp_path, block_s=0.37)  # seams inside segments
    assert len(whole.words) >= 2
    assert [(w.word, w.start, w.end) for w in pieces.words] == [
        (w.word, w.start, w.end) for w in whole.words]
    assert [w.confidence for w in pieces.words] == pytest.approx(
        [w.confidence for w in whole.words], abs=1e-4)


def test_a_model_that_always_prefers_blank_says_nothing(tmp_path):
    install_tiny_emformer(blank_bias=50.0)
    result = transcribe(noise(1.0), 16000, tmp_path)
    assert result.words == () and result.text == "" and result.span == (0.0, 1.0)


def test_missing_and_mismatched_files_are_named(tmp_path):
    with pytest.raises(PretrainedNotDownloadedError, match="model manager"):
        load_emformer_rnnt(NAME)
    checkpoint, stats, pieces = install_tiny_emformer()
    pieces.unlink()
    with pytest.raises(PretrainedNotDownloadedError, match="model manager") as error:
        load_emformer_rnnt(NAME)
    assert str(pieces) in str(error.value)
    install_tiny_emformer()
    stats.write_text('{"mean": [0.0]}')
    with pytest.raises(ModelLoadError) as error:
        load_emformer_rnnt(NAME)
    assert str(stats) in str(error.value) and "invstddev" in str(error.value)
    install_tiny_emformer()
    state = torch.load(checkpoint, weights_only=True)
    for key in ("joiner.linear.weight", "joiner.linear.bias", "predictor.embedding.weight"):
        state[key] = torch.cat([state[key], state[key][:1]])  # one symbol more than pieces
    torch.save(state, checkpoint)
    with pytest.raises(ModelLoadError, match="word pieces") as error:
        load_emformer_rnnt(NAME)
    assert str(pieces) in str(error.value)
    torch.save({"encoder.weight": torch.zeros(1)}, checkpoint)
    with pytest.raises(ModelLoadError, match="not a EMFORMER") as error:
        load_emformer_rnnt(NAME)
    assert str(checkpoint) in str(error.value)


def test_cancelling_after_the_first_block_stops_the_task(tmp_path):
    install_tiny_emformer(blank_bias=3.0)
    cancel, seen = CancelToken(), []

    def on_progress(step):
        if step.message.startswith("Transcribing"):
            seen.append(step.message)
            cancel.set()

    with pytest.raises(Cancelled):
        run_to_completion(lambda c: run_model_task(
            MODEL_TASKS["transcribe"], noise(3.0), 16000, c,
            zoo=ModelZoo(tmp_path / "empty-zoo"), model=NAME, device="cpu",
            params={"block_s": 1.0}), cancel, on_progress)
    assert seen == ["Transcribing: 1 of 3 s"]

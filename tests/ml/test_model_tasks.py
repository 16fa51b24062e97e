"""Model tasks end to end on tiny random-weight models in a real temporary zoo."""

import pickle

import numpy as np
import pytest
import torch

from tests.task_helpers import drive
from tests.tiny_models import CLASS_LABELS, TinyClassifier, make_zoo, tiny_classify_spec
from workbench.core.analysis.results import Classification, EnhancedAudio, RunInfo, Transcript
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import Cancelled, CancelToken, Partial, Progress
from workbench.ml.errors import ModelLoadError, UnknownModelError
from workbench.ml.model_tasks import MODEL_TASKS, ModelProvider, NoModelError, run_model_task
from workbench.ml.zoo import ModelZoo, read_card
from workbench.ml.zoo.model_cache import ModelCache


@pytest.fixture(scope="module")
def zoo(tmp_path_factory):
    return ModelZoo(make_zoo(tmp_path_factory.mktemp("zoo")))


def noise(seconds, rate=16000, channels=1, level=0.1, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((int(seconds * rate), channels)) * level).astype(np.float32)


def test_transcribe_reports_loading_first_then_model_device_and_a_placed_transcript(zoo):
    cache = ModelCache()
    items, result = drive(run_model_task(MODEL_TASKS["transcribe"], noise(2.5), 16000,
                                         CancelToken(), zoo=zoo, cache=cache,
                                         params={"chunk_s": 1.0}, offset=4.0))
    assert items[0] == Progress(None, "Loading model…")
    assert Partial(RunInfo("tiny-recognizer", "cpu")) in items
    fractions = [i.fraction for i in items if isinstance(i, Progress) and i.fraction is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) == 3
    assert isinstance(result, Transcript)
    assert (result.model, result.device) == ("tiny-recognizer", "cpu") and result.elapsed > 0
    assert result.span == (4.0, 6.5)
    assert all(4.0 <= w.start <= w.end <= 6.5 for w in result.words)
    assert result.text == " ".join(w.word for w in result.words)
    assert cache.keys() == [("tiny-recognizer", "cpu")]  # loaded once, kept for the next job


def test_block_transcription_keeps_every_frame_of_the_whole_file(zoo, monkeypatch):
    seen = []
    import workbench.ml.recognizer.task as transcribe

    real = transcribe.decode_words
    monkeypatch.setattr(transcribe, "decode_words",
                        lambda lp, *a, **k: (seen.append(lp), real(lp, *a, **k))[1])
    for block_s in (0.8, 100.0):
        drive(run_model_task(MODEL_TASKS["transcribe"], noise(2.5), 16000, CancelToken(),
                             zoo=zoo, params={"block_s": block_s}))
    assert len(seen[0]) == len(seen[1]) == 63  # all of 2.5 s / 40 ms, no gaps
    np.testing.assert_allclose(seen[0], seen[1], atol=1e-4)  # block seams change nothing


def test_enhance_keeps_rate_channels_and_length_across_chunks(zoo):
    stereo = noise(1.3, rate=22050, channels=2)
    items, result = drive(run_model_task(MODEL_TASKS["enhance"], BlockSequence.from_array(stereo),
                                         22050, CancelToken(), zoo=zoo,
                                         params={"chunk_s": 0.5}))
    assert isinstance(result, EnhancedAudio)
    assert result.samples.frames == len(stereo) and result.samples.channels == 2
    assert result.sample_rate == 22050 and result.device == "cpu"
    out = result.samples.read()
    assert np.isfinite(out).all() and not np.allclose(out, stereo)


def test_classify_finds_loud_and_quiet_stretches(zoo, monkeypatch):
    monkeypatch.setitem(MODEL_TASKS, "classify", tiny_classify_spec())
    audio = np.concatenate([np.zeros((16000, 1), np.float32), noise(1.0, level=0.5)])
    items, result = drive(run_model_task(MODEL_TASKS["classify"], audio, 16000, CancelToken(),
                                         zoo=zoo, params={"batch_windows": 2}))
    assert isinstance(result, Classification) and result.labels == CLASS_LABELS
    assert result.probabilities.shape == (7, 2)  # 0.5 s windows every 0.25 s over 2 s
    assert np.allclose(result.probabilities.sum(axis=1), 1.0)
    assert [s.label for s in result.segments] == ["quiet", "loud"]
    assert result.segments[0].start == 0.0 and result.segments[-1].end == 2.0
    assert abs(result.segments[0].end - 1.0) <= 0.25
    assert sum(result.summary().values()) == pytest.approx(2.0)
    partials = [i.value for i in items if isinstance(i, Partial)
                and isinstance(i.value, Classification)]
    assert [len(p.probabilities) for p in partials] == [2, 4, 6, 7]


def test_cancel_stops_between_chunks(zoo):
    cancel = CancelToken()
    gen = run_model_task(MODEL_TASKS["enhance"], noise(3.0), 16000, cancel, zoo=zoo,
                         params={"chunk_s": 0.5})
    for item in gen:
        if isinstance(item, Progress) and item.fraction:
            cancel.set()
            break
    with pytest.raises(Cancelled):
        next(gen)


def test_missing_broken_and_unknown_models_are_told_apart(tmp_path, zoo):
    empty = ModelZoo(tmp_path / "nothing-here")
    with pytest.raises(NoModelError) as err:
        drive(run_model_task(MODEL_TASKS["transcribe"], noise(0.1), 16000, CancelToken(),
                             zoo=empty))
    assert str(err.value).startswith("no recognizer model installed: train one with "
                                     "`workbench train recognizer`")
    with pytest.raises(UnknownModelError):
        drive(run_model_task(MODEL_TASKS["transcribe"], noise(0.1), 16000, CancelToken(),
                             zoo=zoo, model="no-such-model"))
    with pytest.raises(ModelLoadError, match="speech-enhancement"):
        drive(run_model_task(MODEL_TASKS["transcribe"], noise(0.1), 16000, CancelToken(),
                             zoo=zoo, model="tiny-enhancer"))
    damaged = make_zoo(tmp_path / "damaged", enhancer=False, classifier=False)
    with open(damaged / "tiny-recognizer.safetensors", "r+b") as f:
        f.seek(-4, 2)
        f.write(b"\0\0\0\0")
    with pytest.raises(ModelLoadError, match="sha256"):
        drive(run_model_task(MODEL_TASKS["transcribe"], noise(0.1), 16000, CancelToken(),
                             zoo=ModelZoo(damaged)))


def test_out_of_memory_on_the_gpu_moves_the_job_to_the_cpu_with_a_message(zoo):
    entry = zoo.entry("tiny-classifier")
    loads = []

    def load(device):
        loads.append(device.type)
        if device.type == "cuda":
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2 GiB")
        return TinyClassifier().eval()

    provider = ModelProvider("tiny-classifier", read_card(entry.card_path), load,
                             torch.device("cuda:0"))
    items, result = drive(tiny_classify_spec().run(noise(1.0), 16000, {}, CancelToken(),
                                                   provider))
    notices = [i.value for i in items if isinstance(i, Partial) and isinstance(i.value, RunInfo)]
    assert len(notices) == 1 and notices[0].device == "cpu"
    assert "Out of memory on cuda:0" in notices[0].message
    assert result.device == "cpu" and loads == ["cuda", "cpu"]  # later chunks stay on the CPU


@pytest.mark.parametrize("kind", sorted(MODEL_TASKS))
def test_every_task_spec_travels_to_a_worker_process(kind):
    """`workbench batch` sends the spec to spawned workers by pickling it: a lambda in
    it (as a pretrained entry once had) stops every corpus run of that kind."""
    spec = pickle.loads(pickle.dumps(MODEL_TASKS[kind]))
    assert spec.kind == MODEL_TASKS[kind].kind


@pytest.mark.parametrize("frames", [1, 8, 256, 257, 400])
def test_a_clip_shorter_than_one_analysis_window_transcribes_without_error(zoo, frames):
    """A few samples (a truncated file in a corpus run, a click of a selection) give an
    empty or tiny transcript, not an STFT error."""
    _, result = drive(run_model_task(MODEL_TASKS["transcribe"], noise(frames / 16000), 16000,
                                     CancelToken(), zoo=zoo))
    assert isinstance(result, Transcript)
    assert result.text == " ".join(w.word for w in result.words)

"""Model jobs on documents: apply as undoable commands, stale results, merges, cancel, errors."""

import numpy as np
import pytest

from tests.tiny_models import make_zoo, tiny_classify_spec
from workbench.core.analysis.results import Classification, Transcript
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.analysis_commands import WORDS_TIER
from workbench.core.document.document import Document, Track
from workbench.core.document.edit_commands import ReplaceRangeCommand
from workbench.core.labels.labels import Label, LabelTier
from workbench.ml.errors import DeviceError
from workbench.ml.model_tasks import MODEL_TASKS, NoModelError
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.model_jobs import ModelJobService

RATE = 16000


@pytest.fixture(scope="module")
def zoo_dir(tmp_path_factory):
    return make_zoo(tmp_path_factory.mktemp("zoo"))


@pytest.fixture
def service(runner, zoo_dir, monkeypatch):
    monkeypatch.setitem(MODEL_TASKS, "classify", tiny_classify_spec())
    return ModelJobService(runner, ModelZoo(zoo_dir), ModelCache())


def quiet_then_loud(seconds=3.0, channels=1):
    """Silence for the first third, loud noise after."""
    rng = np.random.default_rng(0)
    data = rng.standard_normal((int(seconds * RATE), channels)).astype(np.float32) * 0.4
    data[: len(data) // 3] = 0.0
    return Document.from_array(data, RATE)


def finish(qtbot, handle):
    with qtbot.waitSignal(handle.ended, timeout=30000):
        pass
    return handle


def test_transcript_is_applied_as_one_undoable_step_with_a_words_tier(qtbot, service):
    doc = quiet_then_loud()
    progress, infos = [], []
    handle = service.submit("transcribe", doc)
    handle.progressed.connect(progress.append)
    service.run_info_changed.connect(lambda job: infos.append((job.model, job.device)))
    with qtbot.waitSignal(service.result_applied, timeout=30000) as applied:
        pass
    job, result = applied.args
    assert progress[0].message == "Loading model…"
    fractions = [p.fraction for p in progress if p.fraction is not None]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert infos[0] == ("tiny-recognizer", "cpu") and job.device == "cpu"
    assert isinstance(result, Transcript) and doc.analyses["transcribe"] is not None
    assert doc.analyses["transcribe"].device == "cpu"
    words = next(t for t in doc.label_tiers if t.name == WORDS_TIER)
    assert [lab.text for lab in words.labels] == [w.word for w in result.words]
    history = service.history(doc)
    assert history.labels == ["Transcribe 0.00–3.00 s (tiny-recognizer)"]
    history.undo()
    assert "transcribe" not in doc.analyses and doc.label_tiers == ()
    history.redo()
    assert doc.analyses["transcribe"].words == result.words


def test_a_result_for_changed_audio_is_offered_as_stale_and_not_applied(qtbot, service):
    doc = quiet_then_loud()
    handle = service.submit("classify", doc)
    # The audio changes while the job runs (before it even starts, here).
    service.history(doc).push(ReplaceRangeCommand("Silence", 0, 100,
                                                  [BlockSequence.from_array(np.zeros(100))]))
    stale = []
    service.result_stale.connect(lambda job, result: stale.append((job, result)))
    with qtbot.waitSignal(service.result_stale, timeout=30000):
        pass
    assert handle.state == "finished" and len(stale) == 1 and stale[0][0].stale
    assert "classify" not in doc.analyses and service.history(doc).labels == ["Silence"]
    with qtbot.waitSignal(service.result_applied, timeout=30000):
        service.rerun(stale[0][0])  # "document changed — re-run?" answered yes
    assert isinstance(doc.analyses["classify"], Classification)


def test_label_edits_while_a_job_runs_do_not_make_it_stale(qtbot, service):
    doc = quiet_then_loud()
    handle = service.submit("classify", doc)
    doc.set_label_tiers([LabelTier("notes", (Label(0, 10, "hi"),))])
    with qtbot.waitSignal(service.result_applied, timeout=30000):
        pass
    assert handle.state == "finished" and "classify" in doc.analyses


def test_rerun_on_a_selection_merges_into_the_result_for_the_file(qtbot, service):
    doc = quiet_then_loud(4.0)
    with qtbot.waitSignal(service.result_applied, timeout=30000):
        service.submit("classify", doc)
    whole = doc.analyses["classify"]
    assert [s.label for s in whole.segments] == ["quiet", "loud"]
    # Make the middle loud stretch quiet, then classify only [2, 3) s again.
    service.history(doc).push(ReplaceRangeCommand(
        "Mute", 2 * RATE, 3 * RATE, [BlockSequence.from_array(np.zeros(RATE))]))
    with qtbot.waitSignal(service.result_applied, timeout=30000) as applied:
        handle = service.submit("classify", doc, span=(2.0, 3.0))
    assert handle.request.target == "Untitled 2.00–3.00 s"
    assert applied.args[1].span == (2.0, 3.0)
    result = doc.analyses["classify"]
    assert result.span == (0.0, 4.0)
    labels = [(s.label, round(s.start, 2), round(s.end, 2)) for s in result.segments]
    assert labels[-1] == ("loud", 3.0, 4.0)  # outside the span: the first run's verdict
    assert any(label == "quiet" and 2.0 <= a < b <= 3.0 for label, a, b in labels)
    assert all(not (2.0 < a < 3.0) or label == "quiet" for label, a, _ in labels[1:-1])
    assert service.history(doc).labels[-1] == "Classify 2.00–3.00 s (tiny-classifier)"


def test_enhance_replaces_only_the_span_of_every_track_and_undoes(qtbot, service):
    rng = np.random.default_rng(3)
    left = rng.standard_normal((2 * RATE, 2)).astype(np.float32) * 0.2
    right = rng.standard_normal((2 * RATE, 1)).astype(np.float32) * 0.2
    doc = Document([Track("a", BlockSequence.from_array(left)),
                    Track("b", BlockSequence.from_array(right))], RATE)
    with qtbot.waitSignal(service.result_applied, timeout=30000):
        service.submit("enhance", doc, span=(0.5, 1.5))
    a, b = doc.tracks[0].samples.read(), doc.tracks[1].samples.read()
    assert a.shape == left.shape and b.shape == right.shape
    assert np.array_equal(a[: RATE // 2], left[: RATE // 2])
    assert np.array_equal(b[3 * RATE // 2:], right[3 * RATE // 2:])
    assert not np.allclose(a[RATE // 2: 3 * RATE // 2], left[RATE // 2: 3 * RATE // 2])
    assert doc.analyses["enhance"].device == "cpu"
    service.history(doc).undo()
    assert np.array_equal(doc.tracks[0].samples.read(), left)
    assert "enhance" not in doc.analyses


def test_cancel_is_acknowledged_within_a_second_and_nothing_is_merged(qtbot, service):
    doc = quiet_then_loud(60.0)
    handle = service.submit("enhance", doc, params={"chunk_s": 0.25})
    with qtbot.waitSignal(handle.progressed, timeout=30000,
                          check_params_cb=lambda p: bool(p.fraction)):
        pass
    with qtbot.waitSignal(handle.cancelled, timeout=1000):
        handle.cancel()
    assert doc.analyses == {} and service.history(doc).labels == []
    assert doc.revision == 0


def test_failures_arrive_as_exceptions_and_change_nothing(qtbot, service, tmp_path):
    doc = quiet_then_loud(1.0)
    service.set_device_setting("abacus")
    handle = finish(qtbot, service.submit("transcribe", doc))
    assert handle.state == "failed" and isinstance(handle.error, DeviceError)
    service.set_device_setting("auto")
    service.zoo = ModelZoo(tmp_path / "empty")
    handle = finish(qtbot, service.submit("enhance", doc))
    assert isinstance(handle.error, NoModelError)
    assert doc.analyses == {} and doc.revision == 0


def test_models_stay_loaded_per_model_and_device_between_jobs(qtbot, service):
    doc = quiet_then_loud(1.0)
    for _ in range(2):
        with qtbot.waitSignal(service.result_applied, timeout=30000):
            service.submit("transcribe", doc)
    assert service.model_cache.keys() == [("tiny-recognizer", "cpu")]

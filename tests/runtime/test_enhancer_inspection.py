"""The enhancer's inspection service: a newer span's insight replaces the older one, and a
new span drops the pending SQUIM scores of the old one (only the latest is heard)."""

import numpy as np
import pytest

from tests.tiny_models import make_zoo
from workbench.core.document.document import Document
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.enhancer_inspection import EnhancerInspectionService
from workbench.runtime.model_jobs import ModelJobService

RATE = 16000


@pytest.fixture(scope="module")
def zoo_dir(tmp_path_factory):
    return make_zoo(tmp_path_factory.mktemp("zoo"), recognizer=False, classifier=False)


@pytest.fixture
def inspection(qtbot, runner, zoo_dir):
    service = EnhancerInspectionService(
        runner, ModelJobService(runner, ModelZoo(zoo_dir), ModelCache()))
    heard = {"computed": [], "scored": [], "failed": []}
    for name, values in heard.items():
        getattr(service, name).connect(lambda *args, values=values: values.append(args))
    return service, heard


def noise_document(seconds=2.0, channels=2):
    rng = np.random.default_rng(0)
    data = (rng.standard_normal((int(seconds * RATE), channels)) * 0.3).astype(np.float32)
    return Document.from_array(data, RATE)


def test_a_newer_span_replaces_the_older_ones_insight(qtbot, inspection):
    service, heard = inspection
    doc = noise_document()
    older = service.compute(doc, 0, RATE // 2, None, channel=0)
    newer = service.compute(doc, RATE, 2 * RATE, "tiny-enhancer", channel=1)
    qtbot.waitUntil(lambda: older.done and newer.done, timeout=30000)
    qtbot.waitUntil(lambda: bool(heard["computed"]), timeout=5000)
    assert [args[0] for args in heard["computed"]] == [doc] and heard["failed"] == []
    insight = heard["computed"][0][1]
    assert insight.channel == 1 and insight.model == "tiny-enhancer"
    assert insight.start == pytest.approx(1.0, abs=0.05)  # the newer span's place


def test_a_new_span_drops_the_old_spans_pending_scores(qtbot, inspection, tmp_path,
                                                       monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "no-squim"))  # scoring would fail
    service, heard = inspection
    doc = noise_document()
    audio = doc.tracks[0].samples.read()[:RATE]
    scoring = service.score(doc, audio, audio, RATE)
    computing = service.compute(doc, 0, RATE, None)
    qtbot.waitUntil(lambda: scoring.done and computing.done, timeout=30000)
    qtbot.waitUntil(lambda: bool(heard["computed"]), timeout=5000)
    assert heard["scored"] == [] and heard["failed"] == []  # the old span's failure unheard
    # alone, the same scoring job is heard failing (what the test above relies on)
    alone = service.score(doc, audio, audio, RATE)
    qtbot.waitUntil(lambda: alone.done, timeout=30000)
    qtbot.waitUntil(lambda: bool(heard["failed"]), timeout=5000)
    assert [args[0] for args in heard["failed"]] == [doc] and heard["scored"] == []

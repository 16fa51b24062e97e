"""LiveClassification on the live lane: windows while frames are fed, even while a job
holds the model lane for the whole take (as live words do); the take classified at
end(), equal to the classify job on the same frames; a gap kept as silence."""

import threading

import numpy as np

from tests.classifier_zoo import make_classifier_zoo
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import JobRequest, run_to_completion
from workbench.ml.model_tasks import MODEL_TASKS, run_model_task
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.live_classification import LiveClassification
from workbench.runtime.model_jobs import ModelJobService

RATE = 16000


def test_windows_come_while_the_model_lane_is_held_and_the_take_at_the_end(
        qtbot, runner, tmp_path):
    zoo = ModelZoo(make_classifier_zoo(tmp_path / "zoo"))
    live = LiveClassification(runner, ModelJobService(runner, zoo, ModelCache(), "cpu"))
    release = threading.Event()

    def hold_the_model_lane(cancel):  # what live words do for a whole take
        while not release.wait(0.01):
            cancel.check()
        yield from ()

    holder = runner.submit(JobRequest("hold", "Hold", lane="gpu"), hold_the_model_lane)
    partials = []
    live.classes_changed.connect(partials.append)
    live.start(RATE)
    rng = np.random.default_rng(0)
    audio = (rng.standard_normal((3 * RATE, 2)) * 0.2).astype(np.float32)
    live.feed(0, audio[:RATE])
    live.feed(RATE // 2, audio[RATE // 2:2 * RATE])  # overlaps: fed once
    qtbot.waitUntil(lambda: bool(partials) and len(partials[-1].probabilities) >= 4,
                    timeout=30000)
    assert not holder.done  # the windows came while the model lane was held
    live.feed(2 * RATE + 4000, audio[2 * RATE + 4000:])  # 4000 frames lost: kept as silence
    assert live.frames_fed == 3 * RATE
    with qtbot.waitSignal(live.finished, timeout=30000) as done:
        live.end()
    release.set()
    qtbot.waitUntil(lambda: holder.done, timeout=5000)
    result = done.args[0]
    fed = audio.copy()
    fed[2 * RATE:2 * RATE + 4000] = 0
    whole = run_to_completion(lambda c: run_model_task(
        MODEL_TASKS["classify"], BlockSequence.from_array(fed), RATE, c, zoo=zoo,
        device="cpu"))
    assert result.span == whole.span == (0.0, 3.0)
    np.testing.assert_allclose(result.probabilities, whole.probabilities, atol=1e-5)
    assert not live.is_running()

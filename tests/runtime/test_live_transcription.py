"""LiveTranscription on the model lane: frames fed as the recorder hands them (a gap from
an overflowing ring is kept as silence, an overlap is not fed twice), words while fed,
the take decoded at end(); without a recognizer it fails with the reason."""

import numpy as np

from tests.tiny_models import make_zoo
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.live_transcription import LiveTranscription
from workbench.runtime.model_jobs import ModelJobService

RATE = 16000


def service_for(runner, zoo_folder):
    return LiveTranscription(runner, ModelJobService(runner, ModelZoo(zoo_folder), ModelCache(),
                                                     "cpu"))


def test_frames_are_fed_in_take_order_and_the_take_is_decoded_at_the_end(qtbot, runner,
                                                                         tmp_path):
    live = service_for(runner, make_zoo(tmp_path / "zoo", enhancer=False, classifier=False))
    partials = []
    live.words_changed.connect(partials.append)
    live.start(RATE)
    noise = (np.random.default_rng(0).standard_normal((RATE, 1)) * 0.3).astype(np.float32)
    live.feed(0, noise[:8000])
    live.feed(4000, noise[4000:12000])  # overlaps the first block: fed once
    assert live.frames_fed == 12000
    live.feed(20000, noise[:4000])  # frames 12000-20000 were lost: silence keeps the times
    assert live.frames_fed == 24000
    with qtbot.waitSignal(live.finished, timeout=30000) as done:
        live.end()
    transcript = done.args[0]
    assert transcript.model == "tiny-recognizer"
    assert transcript.span == (0.0, 24000 / RATE)
    assert partials and not partials[0].words  # loaded, listening
    assert not live.is_running()


def test_without_a_recognizer_it_fails_with_the_reason(qtbot, runner, tmp_path):
    live = service_for(runner, make_zoo(tmp_path / "zoo", recognizer=False, enhancer=False))
    with qtbot.waitSignal(live.failed, timeout=30000) as failed:
        live.start(RATE)
    assert "no recognizer model installed" in str(failed.args[0])
    live.end()

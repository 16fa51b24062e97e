"""Scored windows: models with any window length are scored at the same times."""

import dataclasses
from types import SimpleNamespace

import numpy as np

from workbench.ml.classifier.net import ClassifierConfig
from workbench.ml.classifier.task import window_starts
from workbench.training.classifier.eval_data import Recording
from workbench.training.classifier.evaluate import scored_windows

RATE = 16000
RECORDING = Recording(np.zeros(6 * RATE, dtype=np.float32),
                      ((0.0, 3.0, "speech"), (3.0, 6.0, "music")))


def result_for(config: ClassifierConfig, classes: np.ndarray):
    """What classify_signal gives, as far as scoring reads it: window starts (s) and
    probabilities whose best class is ``classes``."""
    starts = window_starts(len(RECORDING.audio), config) / RATE
    probabilities = np.eye(len(config.labels))[classes[:len(starts)]]
    return SimpleNamespace(window_starts=starts, probabilities=probabilities)


def test_a_model_with_the_first_window_is_scored_on_its_own_windows():
    config = ClassifierConfig()
    count = len(window_starts(len(RECORDING.audio), config))
    classes = np.arange(count) % 5
    scored = scored_windows(RECORDING, result_for(config, classes), config)
    assert np.array_equal(scored.starts, window_starts(len(RECORDING.audio), config))
    assert np.array_equal(scored.predicted, classes)
    centres = scored.starts / RATE + config.window_s / 2
    assert np.array_equal(scored.labels, (centres >= 3.0).astype(int))
    # Windows reaching over the 3 s boundary are not scored.
    ends = scored.starts / RATE + config.window_s
    assert not scored.pure[(scored.starts / RATE < 3.0) & (ends > 3.0)].any()
    assert scored.pure.sum() > 10


def test_a_longer_window_is_scored_at_the_same_times_by_its_window_centred_there():
    short = ClassifierConfig()
    long = dataclasses.replace(short, window_frames=185)  # two hops longer on each side
    long_starts = window_starts(len(RECORDING.audio), long)
    classes = np.arange(len(long_starts)) % 5
    scored = scored_windows(RECORDING, result_for(long, classes), long)
    reference = scored_windows(RECORDING, result_for(short, np.zeros(100, int)), short)
    # The same windows, labels and purity as the 0.91 s model's...
    assert np.array_equal(scored.starts, reference.starts)
    assert np.array_equal(scored.pure, reference.pure)
    assert np.array_equal(scored.labels, reference.labels)
    # ...each predicted by the long window with the same centre (2 hops earlier start),
    # and the first two, centred before any long window, by the first long window.
    assert list(scored.predicted[:4]) == [classes[0], classes[0], classes[0], classes[1]]
    assert scored.predicted[10] == classes[8]

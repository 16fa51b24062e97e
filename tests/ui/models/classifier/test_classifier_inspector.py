"""The classifier inspector says how the level gate decided a window."""

import numpy as np
import torch

from workbench.ml.classifier.inspection import inspect_window
from workbench.ml.classifier.net import AudioClassifier, ClassifierConfig
from workbench.ui.models.classifier.classifier_inspector import ClassifierInspector

SMALL = {"channels": (4, 4, 4, 4, 4), "embedding": 8}


def window_at(dbfs, config):
    noise = np.random.default_rng(0).standard_normal(config.window_samples)
    return (noise * 10 ** (dbfs / 20)).astype(np.float32)


def test_a_quiet_window_is_silence_by_level_and_the_title_says_so(qtbot):
    torch.manual_seed(0)
    model = AudioClassifier(ClassifierConfig(silence_gate_dbfs=-52.0, **SMALL)).eval()
    inspector = ClassifierInspector()
    qtbot.addWidget(inspector)
    quiet = inspect_window(model, window_at(-70.0, model.config), None)
    assert quiet.label == "silence" and abs(quiet.levels_db[0] + 70.0) < 0.5
    inspector.show_inspection(quiet)
    assert "level -70 dBFS, centre -70, gate -52: silence by level" in inspector.title.text()
    loud = inspect_window(model, window_at(-20.0, model.config), None)
    assert loud.label != "silence"
    inspector.show_inspection(loud)
    assert "level -20 dBFS, centre -20, gate -52: too loud for silence" in inspector.title.text()


def test_without_a_gate_the_title_does_not_mention_one(qtbot):
    torch.manual_seed(0)
    model = AudioClassifier(ClassifierConfig(**SMALL)).eval()
    inspector = ClassifierInspector()
    qtbot.addWidget(inspector)
    inspector.show_inspection(inspect_window(model, window_at(-70.0, model.config), None))
    assert "gate" not in inspector.title.text()

"""Colours of sound classes: fixed for the shipped classes, distinct for a model's own."""

from workbench.core.labels.class_colours import CLASS_COLOURS, class_colour


def test_a_models_own_classes_never_share_a_colour():
    labels = ("clap", "whistle", "speech", "door", "dog", "bird")
    own = [class_colour(lab, labels) for lab in labels if lab != "speech"]
    assert len(set(own)) == len(own)
    assert class_colour("speech", labels) == CLASS_COLOURS["speech"]


def test_a_label_alone_keeps_a_stable_colour():
    assert class_colour("clap") == class_colour("clap")
    assert class_colour("clap", ("other",)) == class_colour("clap")

"""The class timeline row, segment clicks, segment actions and export, and the classifier
views in the main window."""

import csv
import io
import json

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from tests.classifier_zoo import make_classifier_zoo
from tests.tiny_models import make_zoo
from tests.ui.conftest import open_and_wait
from workbench.core.analysis.results import Classification, Segment
from workbench.core.document.analysis_commands import ApplyAnalysisCommand
from workbench.core.document.document import Document
from workbench.core.document.history import History
from workbench.core.labels.class_colours import class_colour
from workbench.core.labels.class_tier import CLASSES_TIER
from workbench.core.settings import Settings
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.model_jobs import ModelJobService
from workbench.ui.models.classifier.class_segment_actions import ClassSegmentActions
from workbench.ui.models.classifier.class_timeline import ClassTimeline, heatmap_rgba
from workbench.ui.timeline.document_view import DocumentView

LABELS = ("speech", "music", "noise", "tone", "silence")
RATE = 16000
HOP, WINDOW = 0.25, 1.0


def classification(duration=6.0):
    """Speech for 2 s, music for 2 s, silence for 2 s; windows near the changes unsure."""
    starts = np.arange(0.0, duration - WINDOW + 1e-9, HOP)
    centres = starts + WINDOW / 2
    probs = np.full((len(starts), 5), 0.01)
    truth = np.where(centres < 2, 0, np.where(centres < 4, 1, 4))
    probs[np.arange(len(starts)), truth] = 0.96
    near = np.abs(centres - 2.0) < 0.2
    probs[near] = [0.45, 0.45, 0.04, 0.03, 0.03]
    segments = (Segment(0.0, 2.0, "speech", 0.9), Segment(2.0, 4.0, "music", 0.95),
                Segment(4.0, duration, "silence", 0.96))
    return Classification(LABELS, HOP, WINDOW, probs, segments, "classifier", "cpu", 0.1,
                          (0.0, duration), starts)


@pytest.fixture
def document():
    return Document.from_array(np.zeros((6 * RATE, 1), np.float32), RATE, name="talk")


@pytest.fixture
def timeline(qtbot, runner, document):
    view = DocumentView(document, runner)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    return ClassTimeline(document, view)


def apply(document, result):
    history = History(document)
    history.push(ApplyAnalysisCommand("classify", result))
    return history


def test_the_row_appears_with_one_heat_row_per_class_when_a_classification_is_applied(
        timeline, document):
    assert not timeline.isVisible()
    history = apply(document, classification())
    assert timeline.isVisible()
    image = timeline.heatmap.image
    assert image.shape == (24, 5, 4)  # 6 s in 0.25 s columns, five classes
    speech_colour = np.array(class_colour("speech"))
    top_row_early = image[2, 4, :3].astype(float)  # speech is the top row, 0.5-0.75 s
    assert np.abs(top_row_early - speech_colour).max() < 12
    assert image[20, 4, :3].tolist() != speech_colour.tolist()  # silence there: dark
    assert len(timeline.bands.opts["x0"]) == 3
    tier = next(t for t in document.label_tiers if t.name == CLASSES_TIER)
    assert [lab.text for lab in tier.labels] == ["speech", "music", "silence"]
    history.undo()
    assert not timeline.isVisible() and document.label_tiers == ()


def test_stretches_where_two_classes_are_close_are_marked_uncertain(timeline, document):
    apply(document, classification())
    starts, ends = timeline.uncertain.opts["x0"], timeline.uncertain.opts["x1"]
    assert len(starts) == 1 and starts[0] < 2.0 < ends[0] and ends[0] - starts[0] <= 0.5


def click(qtbot, timeline, time_s, modifier=Qt.KeyboardModifier.NoModifier):
    scene_pos = timeline.vb.mapViewToScene(QPointF(time_s, 2.5))
    widget = timeline.view.timeline
    pos = widget.mapFromScene(scene_pos)
    qtbot.mouseClick(widget.viewport(), Qt.MouseButton.LeftButton, modifier, pos)


def test_clicking_a_segment_selects_it(qtbot, timeline, document):
    apply(document, classification())
    with qtbot.waitSignal(timeline.segment_clicked) as clicked:
        click(qtbot, timeline, 3.1)
    assert clicked.args[0].label == "music"
    assert timeline.view.selection == (2.0, 4.0)
    click(qtbot, timeline, 5.0)
    assert timeline.view.selection == (4.0, 6.0)


def test_heatmap_columns_follow_the_nearest_window_across_a_merge_seam():
    merged = Classification(("a", "b"), 0.5, 1.0, [[1, 0], [1, 0], [0, 1], [0, 1]], (),
                            "m", "cpu", 0.0, (0.0, 3.0), np.array([0.0, 0.5, 1.7, 2.0]))
    image, t0, t1 = heatmap_rgba(merged)
    assert (t0, t1) == (0.0, 3.0) and image.shape[:2] == (6, 2)
    b_row = image[:, 0, :3].astype(int).tolist()  # row 0 is the last class, "b"
    # Window centres 0.5, 1.0 | 2.2, 2.5: the column at 1.75 s is nearer 2.2 than 1.0.
    dark = [28, 30, 36]
    assert b_row == [dark] * 3 + [list(class_colour("b"))] * 3


@pytest.fixture
def actions(qtbot, timeline, runner, tmp_path):
    service = ModelJobService(runner, ModelZoo(make_zoo(tmp_path / "zoo", enhancer=False,
                                                        classifier=False)),
                              ModelCache(), "cpu")
    return ClassSegmentActions(timeline, service)


def test_choosing_a_class_picks_its_segments_and_exports_them_in_three_formats(
        actions, timeline, document, tmp_path):
    apply(document, classification())
    assert [s.label for s in timeline.choose_class("music")] == ["music"]
    actions.export(tmp_path / "all.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "all.csv").read_text())))
    assert [r["label"] for r in rows] == ["speech", "music", "silence"]
    actions.export(tmp_path / "music.json", chosen_only=True)
    data = json.loads((tmp_path / "music.json").read_text())
    assert [s["label"] for s in data["segments"]] == ["music"] and data["file"] == document.title
    actions.export(tmp_path / "labels.txt")
    assert (tmp_path / "labels.txt").read_text().splitlines()[1] == \
        "2.000000\t4.000000\tmusic"


def test_segment_menu_offers_models_only_when_installed(actions, timeline, document):
    apply(document, classification())
    timeline.choose_class("speech")
    menu = actions.build_menu()
    texts = {a.text(): a for a in menu.actions()}
    assert texts["Transcribe Chosen Segments (1)"].isEnabled()  # the zoo has a recognizer
    assert not texts["Enhance Chosen Segments (1)"].isEnabled()  # ...but no enhancer
    choose = next(a.menu() for a in menu.actions() if a.menu())
    assert [a.text() for a in choose.actions()] == [
        "speech (1)", "music (1)", "noise (0)", "tone (0)", "silence (1)"]


def test_transcribing_chosen_segments_runs_the_recognizer_on_each(qtbot, actions, timeline,
                                                                  document):
    apply(document, classification())
    timeline.choose_class("silence")
    handles = actions.run_on_chosen("transcribe")
    assert len(handles) == 1
    qtbot.waitUntil(lambda: all(h.done for h in handles), timeout=20000)
    assert handles[0].state == "finished"
    # The handle's own state flips in one queued delivery of `finished`, the
    # service applies the result in another: wait for what the user sees.
    qtbot.waitUntil(lambda: "transcribe" in document.analyses, timeout=5000)
    assert document.analyses["transcribe"].span == pytest.approx((4.0, 6.0))


def test_classify_in_the_main_window_shows_the_timeline_tier_and_inspector(
        qtbot, runner, tmp_path, tone_file):
    from workbench.ui.shell.main_window import MainWindow

    zoo = ModelZoo(make_classifier_zoo(tmp_path / "zoo", context_radius=4))
    service = ModelJobService(runner, zoo, ModelCache(), "cpu")
    window = MainWindow(runner, Settings(), model_jobs=service)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    entry = open_and_wait(qtbot, window, tone_file)
    ui = window.classifier_ui
    timeline = ui.timeline_for(entry.document)
    assert timeline is not None and not timeline.isVisible()
    window.models_menu.run("classify")
    qtbot.waitUntil(lambda: ui.inspector.inspection is not None, timeout=30000)
    qtbot.waitUntil(window.is_idle, timeout=20000)
    result = entry.document.analyses["classify"]
    assert timeline.isVisible() and timeline.result is result
    assert any(t.name == CLASSES_TIER for t in entry.document.label_tiers)
    inspection = ui.inspector.inspection
    assert inspection.saliency.shape == inspection.view.logmel.shape == (64, 89)
    assert len(inspection.feature_maps) == 5 and inspection.filters.shape == (16, 5, 5)
    # Beside the window on its own, the class row's probabilities at the nearest window
    # (where the context layer weighed the neighbours) are outlined and named.
    index = result.window_nearest(inspection.start_s + inspection.window_s / 2)
    outlined = ui.inspector.context_bars.opts["height"]
    np.testing.assert_allclose(outlined, result.probabilities[index])
    assert f"class row at {result.window_starts[index]:.2f} s, in context" in \
        ui.inspector.title.text()
    overlay = ui._current_overlay()
    assert overlay.inspection is inspection and overlay.image.isVisible()
    ui.segments_menu.aboutToShow.emit()
    assert any(a.text().startswith("Export Segments") for a in ui.segments_menu.actions())

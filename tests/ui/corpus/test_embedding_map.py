"""The embedding map: segments placed by their penultimate features, coloured by class
or correctness; hover plays, click opens, a lasso filters the table."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.ui.corpus.corpus_runs import embedding_run, shown_view, truth_run


@pytest.fixture
def view(qtbot, runner, tmp_path):
    return shown_view(qtbot, runner, embedding_run(tmp_path / "run"), 1000, 900)


def _names(view, indices):
    return sorted(view.embedding_map.points[i][0]["relative"] for i in indices)


def test_points_are_coloured_by_class_or_by_correctness(view):
    emap = view.embedding_map
    assert emap.isVisible() and len(emap.points) == 6
    assert {k: _names(view, v) for k, v in emap.groups().items()} == {
        "loud": ["l1.wav", "l2.wav", "l3.wav", "q3.wav"], "quiet": ["q1.wav", "q2.wav"]}
    emap.set_colouring("Correctness")
    assert {k: _names(view, v) for k, v in emap.groups().items()} == {
        "right": ["l1.wav", "l2.wav", "l3.wav", "q1.wav", "q2.wav"], "wrong": ["q3.wav"]}
    assert set(emap.scatters) == {"right", "wrong"}
    # The two clusters lie apart on the map, the wrong one among the quiet ones.
    x = {emap.points[i][0]["relative"]: emap.positions[i, 0] for i in range(6)}
    assert np.sign(x["q3.wav"]) == np.sign(x["q1.wav"]) != np.sign(x["l1.wav"])


def _index(view, name):
    return next(i for i, (row, _s) in enumerate(view.embedding_map.points)
                if row["relative"] == name)


def test_hovering_a_point_plays_its_segment_and_clicking_opens_it(view, qtbot):
    emap = view.embedding_map
    viewport = emap.plot.viewport()
    where = emap.view_position(_index(view, "q3.wav"))
    QTest.mouseMove(viewport, where + QPoint(40, 40))
    with qtbot.waitSignal(view.play_requested) as played:
        QTest.mouseMove(viewport, where)
    assert played.args == ["/corpus/q3.wav", 0.25, 0.75]
    assert "q3.wav  0.25–0.75 s  loud (truth quiet)" in emap.hover_label.text()
    with qtbot.waitSignal(view.open_requested) as opened:
        QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=where)
    assert opened.args == ["/corpus/q3.wav", 0.25, 0.75]


def test_a_lasso_around_a_cluster_filters_the_table(view, qtbot):
    emap = view.embedding_map
    viewport = emap.plot.viewport()
    quiet = [emap.view_position(_index(view, n)) for n in ("q1.wav", "q2.wav", "q3.wav")]
    left = min(p.x() for p in quiet) - 15
    right = max(p.x() for p in quiet) + 15
    top, bottom = min(p.y() for p in quiet) - 15, max(p.y() for p in quiet) + 15
    corners = [QPoint(round(x), round(y)) for x, y in
               ((left, top), (right, top), (right, bottom), (left, bottom), (left, top + 2))]
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=corners[0])
    for corner in corners[1:]:
        QTest.mouseMove(viewport, corner)
    with qtbot.waitSignal(emap.points_chosen):
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=corners[-1])
    assert [r["relative"] for r in view.visible_files()] == ["q1.wav", "q2.wav", "q3.wav"]
    assert view.pick_label.text() == "Showing 3 segments chosen on the map (3 files)"
    QTest.mouseClick(view.clear_button, Qt.MouseButton.LeftButton)
    assert len(view.visible_files()) == 6


def test_a_run_without_features_shows_no_map(qtbot, runner, tmp_path):
    view = shown_view(qtbot, runner, truth_run(tmp_path / "run"))
    assert not view.embedding_map.isVisible() and view.confusion_view.isVisible()


def test_the_map_says_it_is_placing_then_fills_in_when_the_job_finishes(qtbot, runner,
                                                                         tmp_path):
    from workbench.ui.corpus.corpus_run_data import CorpusRunData
    from workbench.ui.corpus.corpus_view import CorpusView

    view = CorpusView(CorpusRunData.read(embedding_run(tmp_path / "run")), runner)
    qtbot.addWidget(view)
    emap = view.embedding_map
    assert emap.placing and emap.legend.text() == "Placing 6 points…"
    assert emap.scatters == {} and len(emap.positions) == 0  # nothing drawn yet
    with qtbot.waitSignal(emap.placed, timeout=10000):
        pass
    assert not emap.placing and set(emap.scatters) == {"loud", "quiet"}
    assert emap.positions.shape == (6, 2) and "loud" in emap.legend.text()
    assert sum(len(s.data) for s in emap.scatters.values()) == 6


def test_a_newer_set_of_points_supersedes_one_still_being_placed(qtbot, runner, view):
    emap, placed, jobs = view.embedding_map, [], []
    emap.placed.connect(lambda: placed.append(len(emap.points)))
    runner.job_submitted.connect(jobs.append)
    every = list(emap.points)
    emap.show_points(every[:2])
    emap.show_points(every[3:])  # before the first placing is heard
    qtbot.waitUntil(lambda: len(jobs) == 2 and all(job.done for job in jobs), timeout=10000)
    QApplication.processEvents()  # what the jobs sent is all delivered now
    assert placed == [3] and emap.positions.shape == (3, 2) and not emap.placing

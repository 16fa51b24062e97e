"""The Learn menu, the lesson dock and the player on the real main window."""

from dataclasses import replace

import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from tests.classifier_zoo import make_classifier_zoo
from tests.tiny_models import make_zoo
from tests.ui.conftest import open_and_wait
from workbench.core.analysis.unit_tracking import silence_indicator, unit_tracking
from workbench.core.lessons.bundled import DEMO_AUDIO, bundled_lesson_paths
from workbench.core.lessons.parser import load_lesson
from workbench.core.lessons.step_state import state_at
from workbench.core.settings import Settings
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.model_jobs import ModelJobService
from workbench.ui.lessons import lesson_player, widget_highlight

ALT = Qt.KeyboardModifier.AltModifier

TWO_STEPS = """\
# Window lengths

Words before the first step.

## Long window

```step
open: current
view: 0.5 2
window: 8192
hop: 1024
scale: linear
highlight: 1 1.5
show: history
point: spectrogram, history
try: Look at the tone.
```

A long window.

## Short window

```step
window: 256
hop: 64
```

A short window.
"""


@pytest.fixture(scope="module")
def classifier_zoo(tmp_path_factory):
    """The CNN classifier (random weights) beside a tiny recognizer and enhancer, for the
    lessons that transcribe or enhance."""
    folder = make_classifier_zoo(tmp_path_factory.mktemp("zoo"))
    return make_zoo(folder, classifier=False)


@pytest.fixture(scope="module")
def demo_wav(tmp_path_factory):
    """The demo recording as a WAV, which opens at once (the FLAC is decoded on each
    test's fresh cache)."""
    data, rate = sf.read(DEMO_AUDIO, dtype="float32")
    path = tmp_path_factory.mktemp("demo") / "demo.wav"
    sf.write(path, data, rate, subtype="FLOAT")
    return path


@pytest.fixture
def cnn_window(qtbot, runner, classifier_zoo):
    """A main window whose zoo holds a random-weight classifier (not the shipped one,
    which other work may be retraining)."""
    from workbench.ui.shell.main_window import MainWindow

    service = ModelJobService(runner, ModelZoo(classifier_zoo), ModelCache(), "cpu")
    window = MainWindow(runner, Settings(), model_jobs=service)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def lesson_file(tmp_path):
    path = tmp_path / "two.md"
    path.write_text(TWO_STEPS, encoding="utf-8")
    return path


def start(qtbot, window, path):
    with qtbot.waitSignal(window.lessons.player.step_shown, timeout=20000):
        assert window.lessons.start_file(path)


def test_the_learn_menu_lists_every_bundled_lesson_by_its_title(window):
    ui = window.lessons
    titles = [a.text() for a in ui.lesson_actions]
    assert titles == [load_lesson(p).title for p in bundled_lesson_paths()]
    assert ui.menu in [a.menu() for a in window.menuBar().actions()]
    assert not ui.dock.isVisible() and not ui.next_action.isEnabled()


def test_steps_apply_to_the_views_keys_move_and_ending_restores_everything(
        qtbot, window, tone_file, lesson_file):
    entry = open_and_wait(qtbot, window, tone_file)
    view = entry.view
    view.set_visible_range(0.2, 2.8)
    before_range, before = view.visible_range(), view.spectrogram.settings
    history_dock = window.edit_actions.history_dock
    history_shown = history_dock.isVisible()
    start(qtbot, window, lesson_file)
    ui, player = window.lessons, window.lessons.player
    assert ui.dock.isVisible() and player.view is view
    assert view.visible_range() == pytest.approx((0.5, 2.0))
    assert view.spectrogram.settings == replace(before, window_length=8192, hop=1024,
                                                scale="linear")
    assert player.highlight.span == (1.0, 1.5) and len(player.highlight.items) == 3
    assert history_dock.isVisible()
    border_before = view.waveforms[0].vb.border
    assert view.spectrogram.vb.border.color().getRgb()[:3] == widget_highlight.COLOR
    frame = player.pointer.frames[history_dock]
    assert frame.isVisible() and frame.geometry() == history_dock.rect()
    assert ui.panel.counter.text() == "Step 1 of 2: Long window"
    assert "Words before" in ui.panel.text.toPlainText()
    assert ui.panel.try_label.text() == "Try this: Look at the tone."
    assert not ui.panel.back_button.isEnabled() and ui.panel.next_button.isEnabled()

    window.activateWindow()
    with qtbot.waitSignal(player.step_shown):
        qtbot.keyClick(window, Qt.Key.Key_Right, ALT)
    assert player.index == 1 and ui.panel.counter.text() == "Step 2 of 2: Short window"
    assert view.spectrogram.settings == replace(before, window_length=256, hop=64,
                                                scale="linear")
    assert view.visible_range() == pytest.approx((0.5, 2.0))  # carried from step 1
    assert player.highlight is None and ui.panel.try_label.isHidden()
    assert player.pointer is None
    assert view.spectrogram.vb.border.color() == border_before.color()
    assert view.spectrogram.vb.border.style() == border_before.style()
    assert not ui.next_action.isEnabled()

    ui.panel.text.setFocus()  # the keys work while the student reads the text, too
    with qtbot.waitSignal(player.step_shown):
        qtbot.keyClick(ui.panel.text, Qt.Key.Key_Left, ALT)
    assert player.index == 0 and view.spectrogram.settings.window_length == 8192
    assert player.highlight.span == (1.0, 1.5)

    view.set_visible_range(1.0, 1.2)  # the student zooms on their own; the end still restores
    with qtbot.waitSignal(player.ended):
        qtbot.mouseClick(ui.panel.end_button, Qt.MouseButton.LeftButton)
    assert view.spectrogram.settings == before
    assert view.visible_range() == pytest.approx(before_range)
    assert history_dock.isVisible() == history_shown
    assert not ui.dock.isVisible() and player.highlight is None and player.pointer is None
    qtbot.waitUntil(window.is_idle, timeout=20000)


def test_a_lesson_that_opens_the_demo_opens_it_once_and_applies_the_step_after_loading(
        qtbot, window, demo_wav, monkeypatch):
    monkeypatch.setattr(lesson_player, "DEMO_AUDIO", demo_wav)
    path = bundled_lesson_paths()[0]  # the STFT lesson: open: demo
    start(qtbot, window, path)
    player = window.lessons.player
    entry = window.current_entry()
    assert entry is not None and entry.document.path == demo_wav
    assert player.view is entry.view
    assert entry.view.visible_range() == pytest.approx((14.5, 21.2))
    player.end()
    start(qtbot, window, path)  # again: the open demo is reused, not opened twice
    assert len(window.open_documents) == 1
    player.end()
    qtbot.waitUntil(window.is_idle, timeout=20000)


def test_a_lesson_started_while_its_demo_is_still_loading_waits_for_it(
        qtbot, window, demo_wav, monkeypatch):
    monkeypatch.setattr(lesson_player, "DEMO_AUDIO", demo_wav)
    window.open_paths([demo_wav])  # as the app does at start
    start(qtbot, window, bundled_lesson_paths()[0])
    assert len(window.open_documents) == 1
    assert window.lessons.player.view is window.open_documents[0].view
    qtbot.waitUntil(window.is_idle, timeout=20000)
    assert len(window.open_documents) == 1
    window.lessons.player.end()


def test_a_broken_lesson_file_is_reported_with_its_line_and_nothing_starts(
        window, tmp_path):
    path = tmp_path / "broken.md"
    path.write_text("# T\n## S\n```step\nwindow: huge\n```\n", encoding="utf-8")
    assert not window.lessons.start_file(path)
    error = window.errors.last_error
    assert error.line == 4 and str(error).startswith(f"{path}:4: window must be")
    assert not window.lessons.player.running and not window.lessons.dock.isVisible()
    window.errors.last_dialog.close()


def test_a_classifier_lesson_runs_the_model_and_inspects_where_it_says(
        qtbot, cnn_window, tmp_path, tone_file):
    window, runner = cnn_window, cnn_window.runner
    open_and_wait(qtbot, window, tone_file)
    path = tmp_path / "cnn.md"
    path.write_text("# CNN\n## Run\n```step\nopen: current\nrun: classify\n"
                    "show: classifier-inspector\n```\nRuns.\n## Inspect\n```step\n"
                    "inspect: 2.2\n```\nInspects.\n", encoding="utf-8")
    inspector_dock = window.classifier_ui.dock
    assert not inspector_dock.isVisible()
    start(qtbot, window, path)
    player = window.lessons.player
    assert inspector_dock.isVisible()
    player.next()  # at once: the inspection waits for the classification
    document = player.view.document
    qtbot.waitUntil(lambda: "classify" in document.analyses, timeout=30000)
    inspector = window.classifier_ui.inspector
    qtbot.waitUntil(lambda: inspector.inspection is not None, timeout=30000)
    qtbot.waitUntil(window.is_idle, timeout=30000)
    window_s = document.analyses["classify"].window_s
    assert inspector.inspection.start_s == pytest.approx(2.2 - window_s / 2, abs=1e-3)
    player.back()
    player.next()  # the model ran once, not once per visit
    runs = [h for h in runner.live_jobs if h.request.kind == "classify"]
    assert not runs
    qtbot.waitUntil(window.is_idle, timeout=30000)
    with qtbot.waitSignal(player.ended):
        player.end()
    assert not inspector_dock.isVisible()


def assert_views_as_the_step_says(view, state, before, before_range):
    assert view.spectrogram.settings == replace(before, **state.spectrogram)
    if state.view == "all":
        expected = (0.0, view.document.duration)
    else:
        expected = state.view or before_range
    assert view.visible_range() == pytest.approx(expected, abs=1e-6)


def lesson_audio(path, demo_wav):
    """What the lesson's first `open` opens: the demo (as a WAV) or its own clip."""
    lesson = load_lesson(path)
    source = next(s.get("open") for s in lesson.steps if s.get("open") is not None)
    return demo_wav if source in ("demo", "current") else source


@pytest.mark.parametrize("path", bundled_lesson_paths(), ids=lambda p: p.name)
def test_every_bundled_lesson_runs_to_its_last_step_and_ends_where_it_began(
        qtbot, cnn_window, path, demo_wav, monkeypatch):
    monkeypatch.setattr(lesson_player, "DEMO_AUDIO", demo_wav)
    window = cnn_window
    # The lessons open the demo or their own clip: already open, it is reused.
    entry = open_and_wait(qtbot, window, lesson_audio(path, demo_wav))
    view = entry.view
    view.set_visible_range(3.0, 7.0)
    before_range, before = view.visible_range(), view.spectrogram.settings
    docks = {d.objectName(): d.isVisible() for d in window.findChildren(QDockWidget)}
    start(qtbot, window, path)
    player, lesson = window.lessons.player, window.lessons.player.lesson
    assert player.view is view and len(window.open_documents) == 1
    for index in range(len(lesson.steps)):
        if index:
            with qtbot.waitSignal(player.step_shown):
                window.lessons.next_action.trigger()
        assert player.index == index
        assert window.lessons.panel.counter.text().startswith(
            f"Step {index + 1} of {len(lesson.steps)}")
        assert_views_as_the_step_says(view, state_at(lesson, index), before, before_range)
        assert (player.highlight.span if player.highlight else None) == (
            state_at(lesson, index).highlight)
    qtbot.waitUntil(window.is_idle, timeout=60000)
    with qtbot.waitSignal(player.ended):
        window.lessons.end_action.trigger()
    assert view.spectrogram.settings == before
    assert view.visible_range() == pytest.approx(before_range)
    assert {d.objectName(): d.isVisible() for d in window.findChildren(QDockWidget)} == docks
    assert player.highlight is None
    qtbot.waitUntil(window.is_idle, timeout=30000)


def test_closing_the_lessons_document_leaves_the_lesson_running_without_a_view(
        qtbot, window, tone_file, lesson_file):
    entry = open_and_wait(qtbot, window, tone_file)
    start(qtbot, window, lesson_file)
    player = window.lessons.player
    window.close_tab(window.tabs.indexOf(entry.view))
    assert player.view is None and player.highlight is None and player.pointer is None
    with qtbot.waitSignal(player.step_shown):
        player.next()
    assert "Open a recording" in window.statusBar().currentMessage()
    with qtbot.waitSignal(player.ended):
        player.end()


def test_a_lesson_on_the_current_document_with_nothing_open_opens_the_demo(
        qtbot, window, lesson_file, demo_wav, monkeypatch):
    monkeypatch.setattr(lesson_player, "DEMO_AUDIO", demo_wav)
    start(qtbot, window, lesson_file)  # open: current
    assert window.current_entry().document.path == demo_wav
    assert window.lessons.player.view.visible_range() == pytest.approx((0.5, 2.0))
    window.lessons.player.end()
    qtbot.waitUntil(window.is_idle, timeout=20000)


def test_the_ctc_lesson_frames_the_posteriorgram_once_it_arrives_and_hides_the_transcript_after(
        qtbot, cnn_window, demo_wav):
    window = cnn_window
    path = next(p for p in bundled_lesson_paths() if p.name == "05-ctc.md")
    entry = open_and_wait(qtbot, window, lesson_audio(path, demo_wav))
    transcript_dock = window.recognizer_ui.dock
    assert not transcript_dock.isVisible()
    start(qtbot, window, path)
    player = window.lessons.player
    with qtbot.waitSignal(player.step_shown):
        player.next()  # at once: "point: posteriorgram" before the posteriorgram exists
    row = window.recognizer_ui.row_for(entry.document)
    qtbot.waitUntil(lambda: row.gram is not None, timeout=30000)
    qtbot.waitUntil(lambda: any(box is row.vb for box, _ in player.pointer.boxes),
                    timeout=5000)
    assert row.vb.border.color().getRgb()[:3] == widget_highlight.COLOR
    assert transcript_dock.isVisible()  # the transcript result showed it; steps leave it
    qtbot.waitUntil(window.is_idle, timeout=30000)
    with qtbot.waitSignal(player.ended):
        player.end()
    assert not transcript_dock.isVisible()
    assert row.vb.border is None or row.vb.border.color().getRgb()[:3] != widget_highlight.COLOR
    assert entry.document.label_tiers  # the transcript itself stays (Edit > Undo takes it)


def test_the_enhancement_lesson_frames_the_review_rows_and_discards_its_review_at_the_end(
        qtbot, cnn_window, demo_wav):
    window = cnn_window
    path = next(p for p in bundled_lesson_paths() if p.name == "06-enhancement-masks.md")
    entry = open_and_wait(qtbot, window, lesson_audio(path, demo_wav))
    before = entry.document.tracks[0].samples.read().copy()
    start(qtbot, window, path)
    player, enhancer = window.lessons.player, window.enhancer_ui
    with qtbot.waitSignal(player.step_shown):
        player.next()  # "point: enhancer-rows" while the enhancer still runs
    qtbot.waitUntil(lambda: enhancer.rows is not None, timeout=30000)
    gain_box = enhancer.rows.plots["gain"].vb
    qtbot.waitUntil(lambda: any(box is gain_box for box, _ in player.pointer.boxes),
                    timeout=5000)
    assert enhancer.dock.isVisible()
    qtbot.waitUntil(window.is_idle, timeout=30000)
    with qtbot.waitSignal(player.ended):
        player.end()
    assert enhancer.review is None and enhancer.rows is None and not enhancer.dock.isVisible()
    assert (entry.document.tracks[0].samples.read() == before).all()  # nothing applied


def test_the_recurrent_state_lesson_plots_the_unit_that_follows_silence_and_puts_it_back(
        qtbot, cnn_window, demo_wav):
    window = cnn_window
    path = next(p for p in bundled_lesson_paths() if p.name == "07-recurrent-state.md")
    entry = open_and_wait(qtbot, window, lesson_audio(path, demo_wav))
    start(qtbot, window, path)
    player = window.lessons.player
    row = window.recognizer_ui.state_row_for(entry.document)
    for _ in range(2):  # at once to "A unit that tracks silence": it waits for the states
        with qtbot.waitSignal(player.step_shown):
            player.next()
    qtbot.waitUntil(lambda: row.unit is not None, timeout=30000)
    samples = entry.document.tracks[0].samples.read()
    expected, r = unit_tracking(row.states, 0, 0, silence_indicator(
        samples, entry.document.sample_rate, row.states))
    assert (row.layer, row.direction, row.unit) == (0, 0, expected)
    assert row.unit_row.isVisible() and f"Unit {expected} of layer 1 forward" in \
        window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: any(box is row.unit_row.vb for box, _ in player.pointer.boxes),
                    timeout=5000)
    with qtbot.waitSignal(player.step_shown):
        player.next()  # layer 1 backward
    assert (row.layer, row.direction) == (0, 1)
    qtbot.waitUntil(window.is_idle, timeout=30000)
    with qtbot.waitSignal(player.ended):
        player.end()
    assert (row.layer, row.direction, row.unit) == (0, 0, None)
    assert not row.unit_row.isVisible()

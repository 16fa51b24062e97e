"""The enhancer result under review: rows, A/B/residual switch, strength, Apply + undo."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from tests.audio_server import SINK
from tests.tiny_models import make_zoo
from tests.ui.conftest import open_and_wait
from tests.ui.timeline_mouse import viewport_pos
from workbench.core.analysis.enhancement_review import wet_mix
from workbench.core.analysis.results import Classification, Segment
from workbench.core.audio.audio_convert import SampleFormat, decode
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.analysis_commands import ApplyAnalysisCommand
from workbench.core.document.document import Document
from workbench.core.settings import Settings
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.audio_devices import make_format
from workbench.runtime.model_jobs import ModelJobService
from workbench.runtime.playback_feeder import PlaybackFeeder
from workbench.runtime.player import PlaybackState


@pytest.fixture(scope="module")
def zoo_dir(tmp_path_factory):
    return make_zoo(tmp_path_factory.mktemp("zoo"), recognizer=False, classifier=False)


@pytest.fixture
def service(runner, zoo_dir):
    return ModelJobService(runner, ModelZoo(zoo_dir), ModelCache())


@pytest.fixture
def win(qtbot, runner, service):
    from workbench.ui.shell.main_window import MainWindow

    window = MainWindow(runner, Settings(), model_jobs=service)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.player.stop()


def review_of(qtbot, win, entry, span=None, params=None):
    with qtbot.waitSignal(win.model_jobs.result_for_review, timeout=30000):
        win.model_jobs.submit("enhance", entry.document, span, params=params)
    return win.enhancer_ui.review


def drawn(qtbot, rows):
    """Wait until the rows' images (computed on the CPU pool) are on screen."""
    qtbot.waitUntil(lambda: rows.pending is None, timeout=10000)
    return rows


def audio(doc):
    return doc.tracks[0].samples.read()


def test_an_enhance_result_is_reviewed_not_applied_and_discard_leaves_the_file(
        qtbot, win, tone_file):
    entry = open_and_wait(qtbot, win, tone_file)
    before, revision = audio(entry.document), entry.document.revision
    rows_before = len(entry.view.timeline.ci.items)
    review = review_of(qtbot, win, entry, span=(1.0, 2.0))
    assert entry.document.revision == revision and np.array_equal(audio(entry.document), before)
    assert win.enhancer_ui.dock.isVisible()
    # original, enhanced, residual, gain (the mask and GRU state rows join once computed)
    assert len(entry.view.timeline.ci.items) >= rows_before + 4
    rate = entry.document.sample_rate
    np.testing.assert_array_equal(review.original, before[rate:2 * rate])
    np.testing.assert_allclose(review.residual, review.original - review.enhanced)
    for source, image in drawn(qtbot, win.enhancer_ui.rows).images.items():
        rect = image.mapRectToParent(image.boundingRect())
        assert rect.left() == pytest.approx(1.0, abs=0.02), source
        assert rect.right() == pytest.approx(2.0, abs=0.02), source
    assert "before" in win.enhancer_ui.panel.scores_label.text()
    qtbot.mouseClick(win.enhancer_ui.panel.discard_button, Qt.MouseButton.LeftButton)
    assert win.enhancer_ui.review is None and not win.enhancer_ui.dock.isVisible()
    assert len(entry.view.timeline.ci.items) == rows_before
    assert np.array_equal(audio(entry.document), before)
    assert win.model_jobs.history(entry.document).labels == []


def test_apply_uses_the_wet_mix_as_one_command_and_undo_restores_bit_for_bit(
        qtbot, win, tone_file):
    entry = open_and_wait(qtbot, win, tone_file)
    doc, rate = entry.document, entry.document.sample_rate
    before = audio(doc)
    review = review_of(qtbot, win, entry, span=(1.0, 2.0))
    raw = review.raw.copy()
    win.enhancer_ui.panel.wet_slider.setValue(40)
    expected = wet_mix(before[rate:2 * rate], raw, 0.4)
    np.testing.assert_array_equal(review.enhanced, expected)
    qtbot.mouseClick(win.enhancer_ui.panel.apply_button, Qt.MouseButton.LeftButton)
    after = audio(doc)
    np.testing.assert_array_equal(after[rate:2 * rate], expected)
    assert np.array_equal(after[:rate], before[:rate])
    assert np.array_equal(after[2 * rate:], before[2 * rate:])
    history = win.model_jobs.history(doc)
    assert len(history.labels) == 1 and history.labels[0].startswith("Enhance 1.00–2.00 s")
    history.undo()
    assert audio(doc).dtype == before.dtype and np.array_equal(audio(doc), before)
    assert win.enhancer_ui.review is None


def test_a_new_attenuation_limit_reruns_the_model_and_apply_uses_it(
        qtbot, win, tone_file, runner, zoo_dir):
    entry = open_and_wait(qtbot, win, tone_file)
    doc = entry.document
    review = review_of(qtbot, win, entry)
    unlimited = review.raw.copy()
    with qtbot.waitSignal(win.model_jobs.result_for_review, timeout=30000):
        win.enhancer_ui.panel.limit_box.setValue(3)
    assert review is win.enhancer_ui.review and review.attenuation_limit_db == 3.0
    assert review.job.params["attenuation_limit_db"] == 3.0
    assert not np.array_equal(review.raw, unlimited)
    assert win.enhancer_ui.panel.apply_button.isEnabled()
    win.enhancer_ui.panel.wet_slider.setValue(70)
    # the same task, run the ordinary way (applied at once) with the chosen strength
    plain = ModelJobService(runner, ModelZoo(zoo_dir), ModelCache())
    copy = Document.from_array(audio(doc), doc.sample_rate)
    with qtbot.waitSignal(plain.result_applied, timeout=30000):
        plain.submit("enhance", copy, params={"attenuation_limit_db": 3.0, "wet": 0.7})
    assert win.enhancer_ui.apply()
    np.testing.assert_allclose(audio(doc), audio(copy), atol=1e-6)


def test_b_switches_what_the_player_plays_without_stopping(qtbot, win, tone_file,
                                                          audio_server):
    combo = win.transport.bar.output_combo
    index = combo.findData(SINK)
    assert index >= 0, f"{SINK!r} is not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    entry = open_and_wait(qtbot, win, tone_file)
    ui, player = win.enhancer_ui, win.player
    review = review_of(qtbot, win, entry, span=(0.5, 2.5))
    player.play(0)
    qtbot.waitUntil(lambda: player.position_frames() > 2000, timeout=5000)
    heard = []
    for _ in range(3):
        position = player.position_frames()
        qtbot.keyClick(win, Qt.Key.Key_B)
        heard.append(ui.heard)
        assert player.state is PlaybackState.PLAYING
        assert player.position_frames() >= position  # no restart, no jump back
        tracks = player.source_override
        if ui.heard == "original":
            assert tracks is None
        else:
            rate = entry.document.sample_rate
            played = tracks[0].read(rate, 2 * rate)
            np.testing.assert_array_equal(
                played, review.version(ui.heard).read(rate // 2, 3 * rate // 2))
        assert ui.panel.source_buttons.checkedButton().objectName() == f"hear-{ui.heard}"
    assert heard == ["enhanced", "residual", "original"]
    ui.panel.source_buttons.button(2).click()
    assert ui.heard == "residual" and player.is_playing()
    ui.discard()
    assert player.source_override is None and player.is_playing()


def read_all(feeder, frames):
    out = b""
    while len(out) < frames * 4:
        chunk = feeder.readData(frames * 4 - len(out))
        if not chunk:
            break
        out += chunk
    return decode(out, SampleFormat.FLOAT32, 1)[:, 0]


def test_a_source_swap_crossfades_at_the_same_frame(qapp):
    rate = 48000
    fmt = make_format(rate, 1, SampleFormat.FLOAT32)
    a = BlockSequence.from_array(np.full((rate, 1), 0.5, np.float32))
    b = BlockSequence.from_array(np.full((rate, 1), -0.5, np.float32))
    feeder = PlaybackFeeder(fmt, rate, [a], 0, rate)
    first = read_all(feeder, 1000)
    feeder.set_tracks([b])
    rest = read_all(feeder, 2000)
    assert np.all(first == 0.5) and len(rest) == 2000
    fade = round(0.01 * rate)
    assert np.all(np.abs(np.diff(rest)) <= 1.0 / fade + 1e-6)  # no step: a ramp
    assert rest[0] > 0.49 and np.all(rest[fade:] == -0.5)
    assert feeder.source_frame_at(3000) == 3000


def test_scores_at_the_estimators_limits_say_so():
    from workbench.ui.models.enhancer.enhancer_panel import snr_text

    assert snr_text(60.0) == "≥ 60 dB" and snr_text(-30.0) == "≤ -30 dB"
    assert snr_text(12.34) == "12.3 dB"


def test_the_gain_row_shows_the_applied_gain_under_the_pointer(qtbot, win, tone_file):
    entry = open_and_wait(qtbot, win, tone_file)
    review = review_of(qtbot, win, entry, span=(1.0, 2.0))
    win.enhancer_ui.panel.wet_slider.setValue(50)
    rows = drawn(qtbot, win.enhancer_ui.rows)
    assert rows.gain.shape[0] == len(rows.images["gain"].image)
    assert -40 <= np.nanmin(rows.gain) <= np.nanmax(rows.gain) <= 0
    assert rows.gain_at(0.5, 10) is None  # outside the reviewed span
    plot = rows.plots["gain"]
    qtbot.waitUntil(lambda: plot.vb.sceneBoundingRect().height() > 10, timeout=5000)
    viewport = entry.view.timeline.viewport()
    pos = QPointF(viewport_pos(entry.view, plot, 1.5, 20.5))
    QApplication.sendEvent(viewport, QMouseEvent(  # a hover: no button held
        QEvent.Type.MouseMove, pos, QPointF(viewport.mapToGlobal(pos)),
        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
    qtbot.waitUntil(lambda: rows.hover_text != "", timeout=5000)
    assert rows.hover_text.startswith("1.5") and "gain" in rows.hover_text
    assert rows.hover_label.isVisible()
    assert review is win.enhancer_ui.review


def hover_at(entry, plot, time_s, y):
    viewport = entry.view.timeline.viewport()
    pos = QPointF(viewport_pos(entry.view, plot, time_s, y))
    QApplication.sendEvent(viewport, QMouseEvent(  # a hover: no button held
        QEvent.Type.MouseMove, pos, QPointF(viewport.mapToGlobal(pos)),
        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))


def test_the_models_mask_and_gru_state_rows_line_up_and_answer_the_pointer(
        qtbot, win, tone_file):
    entry = open_and_wait(qtbot, win, tone_file)
    review_of(qtbot, win, entry, span=(1.0, 2.0))
    rows = win.enhancer_ui.insight_rows
    qtbot.waitUntil(lambda: rows.insight is not None, timeout=30000)
    assert rows.mask_plot.isVisible() and rows.state_plot.isVisible()
    assert {rows.mask_plot, rows.state_plot} <= set(entry.view.timeline.ci.items)
    insight = rows.insight
    assert insight.model == "tiny-enhancer" and insight.units == 8  # the tiny model's GRU
    for image in (rows.mask_image, rows.state_image):  # on the reviewed span
        rect = image.mapRectToParent(image.boundingRect())
        assert rect.left() == pytest.approx(1.0, abs=0.01)
        assert rect.right() == pytest.approx(2.0, abs=0.01)
    spectrogram_rows = entry.view.spectrogram.settings.rows
    assert rows.mask_image.image.shape[1] == spectrogram_rows  # a 16 kHz model on 16 kHz audio
    qtbot.waitUntil(lambda: rows.mask_plot.vb.sceneBoundingRect().height() > 10, timeout=5000)
    hover_at(entry, rows.mask_plot, 1.5, spectrogram_rows / 2)
    qtbot.waitUntil(lambda: "mask" in rows.hover_text, timeout=5000)
    assert rows.hover_text.startswith("1.50 s") and "dB)" in rows.hover_text
    assert rows.labels[rows.mask_plot].isVisible()
    hover_at(entry, rows.state_plot, 1.25, 3.5)
    qtbot.waitUntil(lambda: "unit 3" in rows.hover_text, timeout=5000)
    near = {f"1.25 s, unit 3: {insight.state_at(t, 3):+.2f}"  # the pointer lands on a pixel
            for t in np.linspace(1.24, 1.26, 21)}
    assert rows.hover_text in near
    mask_rows, state_rows = rows.mask_plot, rows.state_plot
    win.enhancer_ui.discard()
    assert mask_rows not in entry.view.timeline.ci.items
    assert state_rows not in entry.view.timeline.ci.items


def test_without_squim_weights_the_panel_says_how_to_install_them(
        qtbot, win, tone_file, tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "empty-torch-home"))
    entry = open_and_wait(qtbot, win, tone_file)
    review_of(qtbot, win, entry, span=(1.0, 2.0))
    label = win.enhancer_ui.panel.squim_label
    assert "not installed" in label.text() and "Model Manager" in label.text()
    assert "squim_objective_dns2020.pth" in label.toolTip()  # and where it goes
    assert str(tmp_path / "empty-torch-home") in label.toolTip()


def test_installed_squim_scores_the_original_and_the_enhanced_audio(
        qtbot, win, tone_file, tmp_path, monkeypatch):
    from tests.tiny_pretrained import install_tiny_squim

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    install_tiny_squim()
    scores = []
    win.enhancer_ui.inspection.scored.connect(lambda _d, b, a: scores.append((b, a)))
    entry = open_and_wait(qtbot, win, tone_file)
    review_of(qtbot, win, entry, span=(1.0, 2.0))
    label = win.enhancer_ui.panel.squim_label
    qtbot.waitUntil(lambda: len(scores) == 1, timeout=30000)
    before, after = scores[0]
    assert before.seconds == pytest.approx(1.0) and after.seconds == pytest.approx(1.0)
    assert label.text().startswith(f"STOI {before.stoi:.2f} → {after.stoi:.2f}")
    assert "SI-SDR" in label.text()
    with qtbot.waitSignal(win.enhancer_ui.inspection.scored, timeout=30000) as rescored:
        win.enhancer_ui.panel.wet_slider.setValue(0)  # all original: the same as before
    _doc, again_before, dry = rescored.args
    assert again_before == before and dry.stoi == pytest.approx(before.stoi, abs=1e-4)


def test_conv_tasnet_from_the_model_manager_runs_through_the_same_review(
        qtbot, win, tone_file, tmp_path, monkeypatch):
    from tests.tiny_pretrained import install_tiny_conv_tasnet

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    entry = open_and_wait(qtbot, win, tone_file)
    menu = win.enhancer_ui.enhance_with_menu
    menu.refresh()
    offered = {a.text(): a for a in menu.actions()}
    assert "tiny-enhancer" in offered
    missing = offered["CONVTASNET_BASE_LIBRI2MIX (not downloaded: Model Manager)"]
    assert not missing.isEnabled()
    install_tiny_conv_tasnet()
    menu.refresh()
    action = {a.text(): a for a in menu.actions()}["CONVTASNET_BASE_LIBRI2MIX (torchaudio)"]
    assert action.isEnabled()
    entry.view.set_selection((1.0, 2.0))
    before = audio(entry.document)
    with qtbot.waitSignal(win.model_jobs.result_for_review, timeout=30000):
        action.trigger()
    ui = win.enhancer_ui
    review = ui.review
    assert "CONVTASNET_BASE_LIBRI2MIX" in ui.panel.title.text()
    assert review.enhanced.shape == review.original.shape == (entry.document.sample_rate, 2)
    assert not np.allclose(review.enhanced, review.original)
    drawn(qtbot, ui.rows)
    assert not ui.insight_rows.mask_plot.isVisible()  # a separator has no mask to show
    with qtbot.waitSignal(win.model_jobs.result_for_review, timeout=30000):
        ui.panel.limit_box.setValue(6)  # the re-run keeps the chosen model
    assert ui.review.result.model == "CONVTASNET_BASE_LIBRI2MIX"
    assert ui.apply()
    assert not np.array_equal(audio(entry.document), before)
    win.model_jobs.history(entry.document).undo()
    assert np.array_equal(audio(entry.document), before)


def speech_gap_speech(duration=3.0):
    """A classification: speech 0-0.8 s, noise 0.8-1.6 s, speech 1.6-2.4 s, silence after."""
    labels = ("speech", "music", "noise", "tone", "silence")
    starts = np.arange(0.0, duration - 1.0 + 1e-9, 0.25)
    probs = np.full((len(starts), 5), 0.2)
    segments = (Segment(0.0, 0.8, "speech", 0.9), Segment(0.8, 1.6, "noise", 0.9),
                Segment(1.6, 2.4, "speech", 0.9), Segment(2.4, duration, "silence", 0.9))
    return Classification(labels, 0.25, 1.0, probs, segments, "classifier", "cpu", 0.1,
                          (0.0, duration), starts)


def test_enhancing_the_chosen_speech_segments_is_one_review_that_keeps_the_gaps(
        qtbot, win, tone_file):
    entry = open_and_wait(qtbot, win, tone_file)
    doc, rate = entry.document, entry.document.sample_rate
    before = audio(doc)
    history = win.model_jobs.history(doc)
    history.push(ApplyAnalysisCommand("classify", speech_gap_speech()))
    timeline = win.classifier_ui.timeline_for(doc)
    qtbot.waitUntil(lambda: timeline.result is not None, timeout=5000)
    assert len(timeline.choose_class("speech")) == 2
    with qtbot.waitSignal(win.model_jobs.result_for_review, timeout=30000):
        handles = win.classifier_ui.actions_for(doc).run_on_chosen("enhance")
    assert len(handles) == 1
    review = win.enhancer_ui.review
    assert (review.job.start, review.job.stop) == (0, round(2.4 * rate))
    gap = slice(round(0.8 * rate), round(1.6 * rate))
    np.testing.assert_array_equal(review.enhanced[gap], before[gap])
    assert not np.array_equal(review.enhanced[:round(0.8 * rate)], before[:round(0.8 * rate)])
    assert not review.residual[gap].any()
    assert win.enhancer_ui.apply()
    after = audio(doc)
    np.testing.assert_array_equal(after[gap], before[gap])
    np.testing.assert_array_equal(after[round(2.4 * rate):], before[round(2.4 * rate):])
    assert not np.array_equal(after[round(1.6 * rate):round(2.4 * rate)],
                              before[round(1.6 * rate):round(2.4 * rate)])
    history.undo()
    assert np.array_equal(audio(doc), before)


def test_without_a_review_regions_are_applied_at_once_and_only_there(qtbot, service):
    rate = 16000
    rng = np.random.default_rng(1)
    samples = (0.2 * rng.standard_normal((2 * rate, 1))).astype(np.float32)
    doc = Document.from_array(samples, rate)
    with qtbot.waitSignal(service.result_applied, timeout=30000):
        service.submit("enhance", doc, (0.25, 1.75),
                       params={"regions": [(0.25, 0.75), (1.25, 1.75)]})
    out = audio(doc)
    np.testing.assert_array_equal(out[:4000], samples[:4000])
    np.testing.assert_array_equal(out[12000:20000], samples[12000:20000])
    np.testing.assert_array_equal(out[28000:], samples[28000:])
    assert not np.array_equal(out[4000:12000], samples[4000:12000])
    service.history(doc).undo()
    assert np.array_equal(audio(doc), samples)

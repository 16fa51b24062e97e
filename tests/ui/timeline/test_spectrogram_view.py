"""SpectrogramView: tiles drawn over the visible range, recomputed when things change."""

import threading

import numpy as np
import pyqtgraph as pg
import pytest
import shiboken6
from PySide6.QtGui import QImage

from workbench.core.analysis.colormaps import colormap_lut
from workbench.core.analysis.spectrogram import SpectrogramSettings, row_to_frequency
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.document import Document
from workbench.core.jobs import JobRequest, run_to_completion
from workbench.runtime.job_runner import JobHandle
from workbench.ui.dialogs.spectrogram_settings_dialog import SpectrogramSettingsDialog
from workbench.ui.timeline.spectrogram_view import TILE_JOB_KIND, SpectrogramView

RATE = 16000


def tone(frequency, seconds, rate=RATE, amplitude=0.5):
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


@pytest.fixture
def shown(qtbot, runner):
    """A SpectrogramView in a shown GraphicsLayoutWidget, and a list of its tile jobs."""
    widget = pg.GraphicsLayoutWidget()
    view = SpectrogramView(runner)
    widget.addItem(view)
    qtbot.addWidget(widget)
    widget.resize(800, 300)
    widget.show()
    qtbot.waitExposed(widget)
    submitted = []
    runner.job_submitted.connect(
        lambda h: submitted.append(h) if h.request.kind == TILE_JOB_KIND else None)
    yield view, submitted  # (the generator frame keeps `widget` alive: qtbot holds it weakly)


def show_range(qtbot, view, t0, t1):
    view.vb.setXRange(t0, t1, padding=0)
    qtbot.waitUntil(view.is_idle, timeout=10000)


def images(view):
    return [item for item in view.items if isinstance(item, pg.ImageItem)]


def covered_seconds(view):
    rects = [im.mapRectToParent(im.boundingRect()) for im in images(view)]
    return min(r.left() for r in rects), max(r.right() for r in rects)


def brightest_frequency(view, at_seconds):
    for image in images(view):
        rect = image.mapRectToParent(image.boundingRect())
        if rect.left() <= at_seconds < rect.right():
            columns, rows = image.image.shape
            column = int((at_seconds - rect.left()) / rect.width() * columns)
            row = int(np.argmax(image.image[column]))
            y = rect.top() + (row + 0.5) / rows * rect.height()  # in view rows
            return row_to_frequency(y, view.settings, view.document.sample_rate)
    raise AssertionError(f"no image covers {at_seconds} s")


def test_the_visible_range_is_covered_and_a_1khz_tone_reads_1khz(qtbot, shown):
    view, submitted = shown
    view.set_document(Document.from_array(tone(1000.0, 20.0), RATE))
    show_range(qtbot, view, 5.0, 9.0)
    start, stop = covered_seconds(view)
    assert start <= 5.0 and stop >= 9.0
    assert submitted and all(h.request.lane == "cpu" for h in submitted)
    assert brightest_frequency(view, 7.0) == pytest.approx(1000.0, rel=0.03)
    for image in images(view):
        assert image.image.dtype == np.uint8
        assert np.array_equal(image.lut, colormap_lut("magma"))


def screen_pixels(view):
    """Grey levels of the view box's pixels as drawn on screen (rows top to bottom)."""
    widget = view.getViewWidget()
    grabbed = widget.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    pixels = np.frombuffer(grabbed.constBits(), np.uint8).reshape(
        grabbed.height(), grabbed.bytesPerLine())
    box = widget.mapFromScene(view.vb.sceneBoundingRect()).boundingRect()
    return pixels[box.top() + 1 : box.bottom() - 1, box.left() + 1 : box.right() - 1]


def test_a_thin_sweep_stays_visible_when_the_view_is_shorter_than_its_rows(qtbot, shown):
    view, _ = shown
    view.getViewWidget().resize(800, 180)
    qtbot.waitUntil(lambda: view.vb.height() < 170)
    # A slow sweep (2.0 -> 2.6 kHz) through a 4096-sample window stays about
    # one 31 Hz row thick as it climbs 19 rows, drawn on fewer pixel rows
    # than the 256 rows of the image.
    view.set_settings(SpectrogramSettings(window_length=4096, hop=512, scale="linear",
                                          colormap="greyscale"))
    t = np.arange(10 * RATE) / RATE
    sweep = np.sin(2 * np.pi * (2000.0 * t + 30.0 * t**2)).astype(np.float32)
    view.set_document(Document.from_array(sweep, RATE))
    show_range(qtbot, view, 0.0, 10.0)
    pixels = screen_pixels(view)
    inner = pixels[:, pixels.shape[1] // 20 : -pixels.shape[1] // 20]
    assert inner.max(axis=0).min() > 180  # the line is bright in every pixel column


def test_the_frequency_axis_labels_round_frequencies_at_their_rows(qtbot, shown):
    view, _ = shown
    view.set_document(Document.from_array(tone(1000.0, 2.0), RATE))
    show_range(qtbot, view, 0.0, 2.0)
    axis = view.getAxis("left")
    (_, major), _minor = axis.tickValues(0, view.settings.rows, 300)
    labels = axis.tickStrings(major, 1.0, 1.0)
    assert "1k" in labels and "100" in labels
    row_of_1k = major[labels.index("1k")]
    assert view.frequency_at(row_of_1k) == pytest.approx(1000.0)


def test_new_settings_redraw_with_the_new_scale(qtbot, shown):
    view, submitted = shown
    view.set_document(Document.from_array(tone(1000.0, 4.0), RATE))
    show_range(qtbot, view, 0.0, 4.0)
    log_rows = {int(np.argmax(im.image[10])) for im in images(view)}
    before = len(submitted)
    with qtbot.waitSignal(view.drawing_finished, timeout=10000):
        view.set_settings(SpectrogramSettings(scale="linear"))
    assert len(submitted) > before
    assert all(key.settings.scale == "linear" for key in view.tiles_on_screen)
    linear_rows = {int(np.argmax(im.image[10])) for im in images(view)}
    assert linear_rows != log_rows
    assert brightest_frequency(view, 1.0) == pytest.approx(1000.0, abs=RATE / 2 / 256)


def test_a_colormap_change_recolours_without_recomputing(qtbot, shown):
    view, submitted = shown
    view.set_document(Document.from_array(tone(1000.0, 4.0), RATE))
    show_range(qtbot, view, 0.0, 4.0)
    before = len(submitted)
    view.set_settings(SpectrogramSettings(colormap="greyscale"))
    qtbot.waitUntil(view.is_idle)
    assert len(submitted) == before
    assert all(np.array_equal(im.lut, colormap_lut("greyscale")) for im in images(view))


def test_editing_the_samples_redraws_but_other_changes_do_not(qtbot, shown):
    view, submitted = shown
    document = Document.from_array(tone(1000.0, 4.0), RATE)
    view.set_document(document)
    show_range(qtbot, view, 0.0, 4.0)
    before = len(submitted)
    document.touch()  # a change that leaves the samples alone (labels, say)
    qtbot.waitUntil(view.is_idle)
    assert len(submitted) == before
    with qtbot.waitSignal(view.drawing_finished, timeout=10000):
        document.set_samples(0, BlockSequence.from_array(tone(3000.0, 4.0)))
    assert len(submitted) > before
    assert brightest_frequency(view, 2.0) == pytest.approx(3000.0, rel=0.03)


@pytest.fixture
def blocked_pool(runner):
    """Keep both CPU workers busy until released, so tile jobs wait in the queue."""
    release = threading.Event()
    started = []

    def hold(cancel):
        started.append(True)
        while not release.wait(0.01):
            cancel.check()
        return None
        yield  # a task is a generator

    for _ in range(2):
        runner.submit(JobRequest("test-hold", "hold"), hold)
    yield release, started
    release.set()


def test_scrolling_away_cancels_tiles_that_left_the_view(qtbot, shown, blocked_pool):
    view, submitted = shown
    release, started = blocked_pool
    qtbot.waitUntil(lambda: len(started) == 2)
    view.set_document(Document.from_array(tone(1000.0, 120.0, rate=8000), 8000))
    view.vb.setXRange(0.0, 1.0, padding=0)
    qtbot.waitUntil(lambda: len(submitted) >= 1)
    early = list(submitted)
    assert not view.is_idle()
    view.vb.setXRange(100.0, 101.0, padding=0)
    qtbot.waitUntil(lambda: len(submitted) > len(early))
    assert all(h.token.is_set for h in early)
    release.set()
    qtbot.waitUntil(view.is_idle, timeout=10000)
    qtbot.waitUntil(lambda: all(h.done for h in early))
    assert all(h.state == "cancelled" for h in early)
    start, stop = covered_seconds(view)
    assert start <= 100.0 and stop >= 101.0 and start > 50.0


def test_results_for_replaced_settings_are_not_drawn(qtbot, shown, blocked_pool):
    view, submitted = shown
    release, started = blocked_pool
    qtbot.waitUntil(lambda: len(started) == 2)
    view.set_document(Document.from_array(tone(1000.0, 4.0), RATE))
    view.vb.setXRange(0.0, 4.0, padding=0)
    qtbot.waitUntil(lambda: len(submitted) >= 1)
    view.set_settings(SpectrogramSettings(window_length=1024))
    release.set()
    qtbot.waitUntil(view.is_idle, timeout=10000)
    assert images(view)
    assert all(key.settings.window_length == 1024 for key in view.tiles_on_screen)


class ManualRunner:
    """Stands in for JobRunner: holds tasks until the test delivers their results.

    This fixes the order of events that a real pool only sometimes produces:
    a result that was computed and queued just before the view moved on.
    """

    def __init__(self):
        self.jobs = []

    def submit(self, request, task):
        handle = JobHandle(request)
        self.jobs.append((handle, task))
        return handle

    def deliver_all(self):
        for handle, task in self.jobs:
            handle.finished.emit(run_to_completion(task))
        self.jobs.clear()


def test_a_late_result_for_a_previous_document_is_not_drawn(qtbot):
    runner = ManualRunner()
    widget = pg.GraphicsLayoutWidget()
    view = SpectrogramView(runner)
    widget.addItem(view)
    qtbot.addWidget(widget)
    widget.resize(800, 300)
    widget.show()
    first = Document.from_array(tone(1000.0, 4.0), RATE)
    second = Document.from_array(tone(3000.0, 4.0), RATE)
    assert first.revision == second.revision  # so tile keys alone cannot tell them apart
    view.set_document(first)
    view.vb.setXRange(0.0, 4.0, padding=0)
    qtbot.waitUntil(lambda: len(runner.jobs) >= 1)
    late = list(runner.jobs)
    view.set_document(second)
    qtbot.waitUntil(lambda: len(runner.jobs) > len(late))
    assert runner.jobs[: len(late)] == late
    runner.deliver_all()  # the first document's tiles arrive first
    qtbot.waitUntil(view.is_idle)
    assert brightest_frequency(view, 2.0) == pytest.approx(3000.0, rel=0.03)


def test_zooming_out_uses_coarser_columns(qtbot, shown):
    view, _ = shown
    view.set_document(Document.from_array(tone(1000.0, 600.0, rate=8000), 8000))
    show_range(qtbot, view, 0.0, 1.0)
    fine = {key.hop for key in view.tiles_on_screen}
    show_range(qtbot, view, 0.0, 600.0)
    coarse = {key.hop for key in view.tiles_on_screen}
    assert fine == {512}
    (hop,) = coarse
    assert 600 * 8000 / hop <= view.vb.width() < 600 * 8000 / (hop / 2)
    columns = sum(im.image.shape[0] for im in images(view))
    assert columns < 2 * view.vb.width()


def test_a_deleted_view_stops_listening_to_its_document(qtbot, shown):
    view, _ = shown
    document = Document.from_array(tone(1000.0, 2.0), RATE)
    view.set_document(document)
    show_range(qtbot, view, 0.0, 2.0)
    widget = view.getViewWidget()
    widget.close()
    widget.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(view))
    document.set_samples(0, BlockSequence.from_array(tone(500.0, 2.0)))  # must not raise
    document.set_samples(0, BlockSequence.from_array(tone(700.0, 2.0)))
    assert view.document is None


def test_without_a_document_nothing_is_drawn(qtbot, shown):
    view, _ = shown
    view.set_document(Document.from_array(tone(1000.0, 2.0), RATE))
    show_range(qtbot, view, 0.0, 2.0)
    view.set_document(None)
    qtbot.waitUntil(view.is_idle)
    assert images(view) == []


def test_the_settings_dialog_returns_what_the_user_chose(qtbot):
    dialog = SpectrogramSettingsDialog(SpectrogramSettings(), channels=2)
    qtbot.addWidget(dialog)
    assert dialog.channel.count() == 3  # mix, channel 1, channel 2
    dialog.window_length.setCurrentIndex(dialog.window_length.findData(4096))
    dialog.window.setCurrentIndex(dialog.window.findData("blackman"))
    dialog.hop.setValue(1024)
    dialog.db_range.setValue(60.0)
    dialog.scale.setCurrentIndex(dialog.scale.findData("mel"))
    dialog.colormap.setCurrentIndex(dialog.colormap.findData("viridis"))
    dialog.channel.setCurrentIndex(2)
    assert dialog.get_settings() == SpectrogramSettings(
        window_length=4096, window="blackman", hop=1024, db_range=60.0, scale="mel",
        colormap="viridis", channel=1)


def test_the_dialog_keeps_the_hop_within_the_window(qtbot):
    dialog = SpectrogramSettingsDialog(SpectrogramSettings(window_length=2048, hop=2048))
    qtbot.addWidget(dialog)
    dialog.window_length.setCurrentIndex(dialog.window_length.findData(512))
    assert dialog.get_settings().hop == 512
    assert dialog.get_settings().window_length == 512



def test_tiles_keep_filling_their_place_when_the_view_gets_shorter(qtbot, shown):
    """Shrinking the view below the image's rows pools rows; tiles must still span 0..rows."""
    view, _ = shown
    view.set_document(Document.from_array(tone(1000, 2.0), RATE))
    show_range(qtbot, view, 0, 2)
    view.getViewWidget().resize(800, 120)  # now fewer pixels than the 256 rows
    qtbot.waitUntil(lambda: view._display_rows < view.settings.rows, timeout=5000)
    qtbot.waitUntil(view.is_idle, timeout=10000)
    for image in images(view):
        rect = image.mapRectToParent(image.boundingRect())
        assert abs(rect.top()) < 1e-6 and abs(rect.height() - view.settings.rows) < 1e-6

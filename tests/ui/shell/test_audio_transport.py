"""Playback and recording in the main window, against the private PulseAudio server:
the keys drive the player and recorder, the playhead moves in the views, takes land
in the document as one undo step or open as a new document."""

import subprocess

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt

from tests.audio_server import SINK, SOURCE
from tests.ui.conftest import open_and_wait
from workbench.core.audio.audio_file import read_audio
from workbench.core.document.selection import Selection
from workbench.runtime.player import PlaybackState
from workbench.runtime.recorder import RecorderState
from workbench.ui.panels.recording_monitor import live_spectrogram, min_max_columns

SHIFT = Qt.KeyboardModifier.ShiftModifier


def choose(combo, data):
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


@pytest.fixture
def audio_window(qtbot, window, runner, audio_server):
    bar = window.transport.bar
    choose(bar.output_combo, SINK)
    choose(bar.input_combo, SOURCE)
    yield window
    window.recorder.stop()
    window.player.stop()
    # A take starts work that outlives it: live words and live classes decode the
    # whole take after stop, on threads that first import torch (slow, and not
    # interruptible: over 5 s under load).  Let that work end here; else the
    # runner's shutdown at teardown gives up on those threads and the test fails.
    # (The window is gone by now: pytest-qt closes it, which cancels the jobs.)
    qtbot.waitUntil(runner.is_idle, timeout=120000)


@pytest.fixture
def loud_tone(tmp_path):
    """2 s of a 1 kHz tone at -6 dBFS, 48 kHz stereo, to play into the null sink."""
    t = np.arange(2 * 48000) / 48000
    tone = (0.5 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
    path = tmp_path / "loud.wav"
    sf.write(path, np.column_stack([tone, tone]), 48000)
    return path


def paplay(audio_server, path):
    env = dict(__import__("os").environ, **audio_server.client_env())
    return subprocess.Popen(["paplay", "-d", SINK, str(path)], env=env)


def audio(doc):
    return doc.tracks[0].samples.read()


def test_space_plays_and_pauses_and_the_playhead_moves_in_every_row(qtbot, audio_window,
                                                                      tone_file):
    window = audio_window
    view = open_and_wait(qtbot, window, tone_file).view
    assert window.player.frames == 48000  # the player plays the current document
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.player.state is PlaybackState.PLAYING
    playhead = window.transport.playhead()
    qtbot.waitUntil(lambda: playhead.frame > 4000, timeout=5000)
    lines = playhead.lines()
    assert len(lines) >= len(view.waveforms) + 1  # waveforms, spectrogram, ruler
    assert all(line.isVisible() for line in lines)
    positions = {round(line.value(), 6) for line in lines}
    assert len(positions) == 1 and positions.pop() > 0.25
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.player.state is PlaybackState.PAUSED
    paused_at = window.player.position_frames()
    qtbot.waitUntil(lambda: playhead.frame == paused_at)
    assert all(line.isVisible() for line in playhead.lines())
    window.transport.bar.stop_button.click()
    assert not any(line.isVisible() for line in playhead.lines())


def test_the_playhead_pages_the_view_when_following(qtbot, audio_window, tone_file):
    window = audio_window
    view = open_and_wait(qtbot, window, tone_file).view
    view.set_visible_range(0.0, 0.25)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: view.visible_range()[0] >= 0.25, timeout=5000)
    t0, t1 = view.visible_range()
    assert np.isclose(t1 - t0, 0.25)
    window.transport.follow_action.setChecked(False)
    shown = view.visible_range()
    frame = window.transport.playhead().frame
    qtbot.waitUntil(lambda: window.transport.playhead().frame > frame + 8000, timeout=5000)
    assert view.visible_range() == shown


def test_shift_space_plays_only_the_selection(qtbot, audio_window, tone_file):
    window = audio_window
    entry = open_and_wait(qtbot, window, tone_file)
    entry.document.set_selection(Selection(8000, 12000))
    positions = []
    window.player.position_changed.connect(positions.append)
    with qtbot.waitSignal(window.player.finished, timeout=5000):
        qtbot.keyClick(window, Qt.Key.Key_Space, SHIFT)
    assert positions and all(8000 <= p <= 12000 for p in positions)


def test_l_toggles_the_loop(qtbot, audio_window):
    qtbot.keyClick(audio_window, Qt.Key.Key_L)
    assert audio_window.player.loop() and audio_window.transport.bar.loop_button.isChecked()
    qtbot.keyClick(audio_window, Qt.Key.Key_L)
    assert not audio_window.player.loop()


def test_r_records_into_the_document_as_one_undo_step(qtbot, audio_window, tone_file,
                                                      loud_tone, audio_server):
    window = audio_window
    entry = open_and_wait(qtbot, window, tone_file)
    doc, before = entry.document, audio(entry.document).copy()
    doc.set_selection(Selection(16000, 16000))
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert window.recorder.state is RecorderState.RECORDING
    assert window.recorder.sample_rate == doc.sample_rate and window.recorder.channels == 2
    monitor = window.transport.monitor
    assert window.transport.monitor_dock.isVisible() and monitor.is_running()
    playing = paplay(audio_server, loud_tone)
    try:
        meter = window.transport.bar.level_meter
        qtbot.waitUntil(lambda: meter.levels().peak.max() > 0.2, timeout=5000)
        qtbot.waitUntil(lambda: np.nanmax(monitor.curve.getData()[1]) > 0.2, timeout=5000)
        qtbot.waitUntil(lambda: monitor.image.image is not None
                        and monitor.image.image.max() > 150, timeout=5000)
        assert "disk left" in monitor.time_label.text()
    finally:
        playing.wait()
    with qtbot.waitSignal(window.recorder.take_finished) as finished:
        qtbot.keyClick(window, Qt.Key.Key_R)
    take = finished.args[0]
    assert not window.transport.monitor_dock.isVisible()
    assert doc.frames == 48000 + take.frames
    assert entry.history.labels[-1].startswith("Record ")
    recorded = read_audio(take.path).source.read(0, take.frames)
    assert np.array_equal(audio(doc)[16000:16000 + take.frames], recorded)
    assert np.array_equal(audio(doc)[:16000], before[:16000])
    entry.history.undo()
    assert np.array_equal(audio(doc), before)


def test_recording_with_nothing_open_opens_a_new_document(qtbot, audio_window, tone_file):
    window = audio_window
    qtbot.keyClick(window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: window.recorder.frames_recorded() > 4800, timeout=5000)
    with qtbot.waitSignal(window.recorder.take_finished) as finished:
        qtbot.keyClick(window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: len(window.open_documents) == 1, timeout=10000)
    doc = window.open_documents[0].document
    assert doc.path == finished.args[0].path and doc.frames == finished.args[0].frames
    open_and_wait(qtbot, window, tone_file)
    qtbot.keyClick(window, Qt.Key.Key_R, SHIFT)  # a new document even with one open
    qtbot.waitUntil(lambda: window.recorder.frames_recorded() > 4800, timeout=5000)
    window.transport.bar.stop_button.click()
    qtbot.waitUntil(lambda: len(window.open_documents) == 3, timeout=10000)
    assert window.open_documents[1].document.frames == 48000  # untouched


def test_effect_preview_is_enabled_with_the_window_player(qtbot, audio_window, tone_file):
    entry = open_and_wait(qtbot, audio_window, tone_file)
    entry.document.set_selection(Selection(0, 8000))
    audio_window.edit_actions.actions["gain"].trigger()
    dialog = audio_window.edit_actions.last_dialog
    assert dialog.preview_button.isEnabled()
    dialog.reject()


def test_the_live_views_math():
    t = np.arange(48000) / 48000
    levels = live_spectrogram(np.sin(2 * np.pi * 3000 * t).astype(np.float32))
    assert levels.shape == ((48000 - 512) // 256 + 1, 257)
    assert abs(int(np.argmax(levels[10])) - 32) <= 1  # 3 kHz: bin 32 of 512 at 48 kHz
    x, y = min_max_columns(np.linspace(-1, 1, 1000, dtype=np.float32), 100)
    assert len(x) == len(y) == 200 and y.min() == -1 and y.max() == 1


def test_the_scrolling_spectrogram_equals_a_full_recompute():
    from workbench.ui.panels.recording_monitor import FFT_SIZE, ScrollingSpectrogram

    rng = np.random.default_rng(4)
    mono = (rng.standard_normal(48000) * 0.1).astype(np.float32)
    scroll = ScrollingSpectrogram(columns=100)
    for end in range(1000, len(mono) + 1, 1777):  # uneven deliveries, as from a live ring
        start = max(0, scroll.next_start - 100)
        scroll.update(mono[start:end], start)
    # every frame whose samples have arrived: starts 0, hop, ..., next_start - hop
    full = live_spectrogram(mono[: scroll.next_start - FFT_SIZE // 2 + FFT_SIZE])
    assert len(full) > 100 and np.array_equal(scroll.levels, full[-100:])

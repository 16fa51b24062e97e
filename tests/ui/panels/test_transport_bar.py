"""The transport bar against the private audio server: its buttons drive playback and
recording, and it shows what they do."""

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt

from tests.audio_server import SINK, SOURCE
from workbench.core.audio.audio_convert import SampleFormat
from workbench.core.audio.blocks import BlockSequence
from workbench.core.storage.take_recovery import Dropout, DropoutCause, Take
from workbench.runtime.audio_devices import AudioDevices
from workbench.runtime.player import PlaybackState, Player
from workbench.runtime.recorder import Recorder, RecorderState
from workbench.ui.panels.transport_bar import TransportBar, format_duration

RATE = 48000


@pytest.fixture
def bar(qtbot, audio_server):
    devices = AudioDevices()
    player, recorder = Player(devices), Recorder(devices)
    bar = TransportBar(player, recorder, devices)
    qtbot.addWidget(bar)
    bar.show()
    yield bar
    recorder.stop()
    player.stop()
    recorder.deleteLater()
    player.deleteLater()


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def choose(combo, data):
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def test_device_lists_offer_the_server_devices_and_the_choice_reaches_player_and_recorder(bar):
    assert bar.output_combo.itemText(0) == "System default"
    choose(bar.output_combo, SINK)
    assert bytes(bar.player.output_device().id()) == SINK.encode()
    choose(bar.input_combo, SOURCE)
    assert bytes(bar.recorder.input_device().id()) == SOURCE.encode()
    choose(bar.output_combo, None)
    assert bar.player.output_device() is None


def test_record_button_starts_and_stops_a_take(qtbot, bar):
    choose(bar.input_combo, SOURCE)
    choose(bar.rate_combo, RATE)
    choose(bar.channels_combo, 1)
    click(qtbot, bar.record_button)
    assert bar.recorder.state is RecorderState.RECORDING
    assert bar.record_button.isChecked()
    assert not bar.input_combo.isEnabled(), "no device change in the middle of a take"
    qtbot.waitUntil(lambda: bar.time_label.text().startswith("REC 0:00:00.6"), timeout=5000)
    assert bar.recorder.elapsed_seconds() >= 0.55
    assert "disk" in bar.time_label.text() and "unknown" not in bar.time_label.text()
    with qtbot.waitSignal(bar.recorder.take_finished) as finished:
        click(qtbot, bar.record_button)
    take = finished.args[0]
    assert not bar.recorder.is_recording() and not bar.record_button.isChecked()
    assert take.sample_rate == RATE and take.channels == 1 and take.frames >= RATE // 2
    assert sf.info(take.path).frames == take.frames
    assert take.insert_at is None
    assert bar.input_combo.isEnabled()


def test_recording_at_the_cursor_marks_the_take_for_it(qtbot, bar):
    bar.set_cursor(12345)
    bar.set_record_at_cursor(True)
    click(qtbot, bar.record_button)
    qtbot.waitUntil(lambda: bar.recorder.frames_recorded() > 0, timeout=5000)
    with qtbot.waitSignal(bar.recorder.take_finished) as finished:
        click(qtbot, bar.stop_button)
    assert finished.args[0].insert_at == 12345


def test_a_refused_recording_format_is_shown_and_the_button_pops_back(qtbot, bar):
    bar.recorder.set_format(RATE, 64)
    messages = []
    bar.message_posted.connect(messages.append)
    click(qtbot, bar.record_button)
    assert not bar.record_button.isChecked()
    assert "cannot record" in bar.message_label.text()
    assert messages == [bar.message_label.text()]


def test_play_pause_stop_and_a_looped_selection(qtbot, bar):
    t = np.arange(2 * RATE) / RATE
    bar.player.set_samples(BlockSequence.from_array(0.2 * np.sin(2 * np.pi * 330 * t)), RATE)
    choose(bar.output_combo, SINK)
    bar.set_selection(RATE // 2, RATE // 2 + RATE // 5)
    click(qtbot, bar.loop_button)
    assert bar.player.loop()
    positions = []
    bar.player.position_changed.connect(positions.append)
    click(qtbot, bar.play_button)
    assert bar.player.state is PlaybackState.PLAYING and bar.play_button.text() == "Pause"
    wrapped = lambda: any(b < a for a, b in zip(positions, positions[1:]))  # noqa: E731
    qtbot.waitUntil(wrapped, timeout=5000)
    assert all(RATE // 2 <= p <= RATE // 2 + RATE // 5 for p in positions)
    click(qtbot, bar.play_button)
    assert bar.player.state is PlaybackState.PAUSED and bar.play_button.text() == "Play"
    assert bar.time_label.text().startswith("0:00:00.")
    click(qtbot, bar.stop_button)
    assert bar.player.state is PlaybackState.STOPPED
    assert bar.player.position_frames() == RATE // 2


def test_volume_slider_sets_the_player_volume(bar):
    bar.volume_slider.setValue(30)
    assert bar.player.volume() == pytest.approx(0.3)


def test_a_take_with_dropouts_ends_with_a_message(qtbot, bar, tmp_path):
    take = Take(tmp_path / "t.wav", RATE * 10, RATE, 1, SampleFormat.INT16,
                (Dropout(RATE, RATE + RATE // 4, DropoutCause.INPUT_OVERFLOW),))
    with qtbot.waitSignal(bar.message_posted) as posted:
        bar.recorder.take_finished.emit(take)
    assert "1.000 s" in posted.args[0] and "0.250 s" in posted.args[0]


def test_free_disk_time_reads_naturally():
    assert format_duration(3 * 3600 + 12 * 60 + 5) == "3 h 12 min"
    assert format_duration(45 * 60) == "45 min"
    assert format_duration(30) == "30 s"
    assert format_duration(float("inf")) == "unknown"

"""Playback through the real (null) audio device: transport, playhead, loops, devices."""

import numpy as np
from PySide6.QtMultimedia import QMediaDevices

from tests.audio_server import SINK, SINK_DESCRIPTION, SOURCE_DESCRIPTION
from tests.runtime.loopback import resample
from workbench.core.audio.audio_convert import SampleFormat, decode
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.document import Document
from workbench.runtime.audio_devices import AudioDeviceLostError, make_format
from workbench.runtime.playback_feeder import PlaybackFeeder
from workbench.runtime.player import PlaybackState

RATE = 48000


def tone(seconds, rate=RATE, channels=1, freq=440.0):
    t = np.arange(int(seconds * rate)) / rate
    x = (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return np.repeat(x[:, None], channels, axis=1)


def test_qt_sees_the_private_server(devices):
    assert SOURCE_DESCRIPTION in [d.description() for d in QMediaDevices.audioInputs()]
    assert SINK_DESCRIPTION in [d.description() for d in QMediaDevices.audioOutputs()]


def test_play_to_the_end_moves_the_playhead_at_least_30_times_a_second(qtbot, player):
    player.set_samples(BlockSequence.from_array(tone(1.0)), RATE)
    positions = []
    player.position_changed.connect(positions.append)
    with qtbot.waitSignal(player.finished, timeout=10000):
        player.play(0)
        assert player.state is PlaybackState.PLAYING
    assert player.state is PlaybackState.STOPPED
    assert player.position_frames() == RATE
    moving = [p for p in positions if 0 < p < RATE]
    assert len(moving) >= 30, f"only {len(moving)} playhead updates in 1 s of audio"
    assert moving == sorted(moving)
    assert positions[-1] == RATE


def test_pause_keeps_the_position_and_play_resumes_there(qtbot, player):
    player.set_samples(BlockSequence.from_array(tone(3.0)), RATE)
    player.play(RATE // 2)
    qtbot.waitUntil(lambda: player.position_frames() > RATE, timeout=5000)
    player.pause()
    assert player.state is PlaybackState.PAUSED
    paused_at = player.position_frames()
    assert RATE < paused_at < 2 * RATE
    player.play()
    qtbot.waitUntil(lambda: player.position_frames() > paused_at + RATE // 10, timeout=5000)
    player.stop()
    assert player.state is PlaybackState.STOPPED
    assert player.position_frames() == RATE // 2, "stop returns to where playback started"


def test_playing_a_selection_stops_at_its_end(qtbot, player):
    player.set_samples(BlockSequence.from_array(tone(3.0)), RATE)
    positions = []
    player.position_changed.connect(positions.append)
    with qtbot.waitSignal(player.finished, timeout=10000):
        player.play_range(RATE, RATE + RATE // 2)
    inside = positions[:-1]
    assert min(inside) >= RATE and max(positions) <= RATE + RATE // 2
    assert positions[-1] == RATE + RATE // 2


def test_a_looped_selection_wraps_around(qtbot, player):
    player.set_samples(BlockSequence.from_array(tone(2.0)), RATE)
    start, stop = RATE // 2, RATE // 2 + RATE // 4  # a 0.25 s loop
    positions = []
    player.position_changed.connect(positions.append)
    player.play_range(start, stop, loop=True)
    wraps = lambda: sum(1 for a, b in zip(positions, positions[1:]) if b < a)  # noqa: E731
    qtbot.waitUntil(lambda: wraps() >= 2, timeout=5000)
    assert player.is_playing()
    assert all(start <= p <= stop for p in positions)
    player.set_loop(False)
    qtbot.waitSignal(player.finished, timeout=5000).wait()


def test_volume_and_cursor(qtbot, player):
    player.set_samples(BlockSequence.from_array(tone(1.0)), RATE)
    player.set_volume(1.7)
    assert player.volume() == 1.0
    player.set_volume(0.25)
    player.set_cursor(RATE // 4)
    assert player.position_frames() == RATE // 4
    player.play()
    qtbot.waitUntil(lambda: player.position_frames() > RATE // 4 + 1000, timeout=5000)
    player.stop()
    assert player.position_frames() == RATE // 4


def test_a_document_edit_is_heard_without_restarting(qtbot, player):
    doc = Document.from_array(tone(2.0), RATE)
    player.set_document(doc)
    player.play(0)
    qtbot.waitUntil(lambda: player.position_frames() > RATE // 4, timeout=5000)
    doc.set_samples(0, doc.tracks[0].samples.delete(RATE, 2 * RATE))  # now 1 s long
    with qtbot.waitSignal(player.finished, timeout=5000):
        pass
    assert player.position_frames() == 2 * RATE  # the range was fixed at play time


def test_forty_channels_at_an_odd_rate_play_through_a_converted_format(qtbot, player):
    rate = 11025
    player.set_samples(BlockSequence.from_array(tone(0.5, rate, channels=40)), rate)
    with qtbot.waitSignal(player.finished, timeout=10000):
        player.play(0)
        fmt = player.active_format()
    assert fmt is not None and "40 ch" not in fmt  # the device takes at most 32


def test_losing_the_output_device_stops_playback_with_an_error(qtbot, player, devices,
                                                            audio_server):
    index = audio_server.load_module("module-null-sink", "sink_name=unplugged")
    try:
        qtbot.waitUntil(lambda: devices.find_output(b"unplugged") is not None, timeout=5000)
        # Qt 6.12 announces a vanished PulseAudio device only when the default changes.
        audio_server.pactl("set-default-sink", "unplugged")
        player.set_output_device(devices.find_output(b"unplugged"))
        player.set_samples(BlockSequence.from_array(tone(5.0)), RATE)
        player.play(0)
        qtbot.waitUntil(lambda: player.position_frames() > RATE // 10, timeout=5000)
        with qtbot.waitSignal(player.failed, timeout=10000) as failed:
            audio_server.unload_module(index)
        assert isinstance(failed.args[0], AudioDeviceLostError)
        assert player.state is PlaybackState.PAUSED
        assert player.output_device() is None, "next play goes to the default output"
    finally:
        if index in audio_server.modules:
            audio_server.unload_module(index)
        audio_server.pactl("set-default-sink", SINK)


def read_all(feeder, bytes_per_frame, frames):
    out = b""
    while len(out) < frames * bytes_per_frame:
        chunk = feeder.readData(frames * bytes_per_frame - len(out))
        if not chunk:
            break
        out += chunk
    return out


def test_feeder_resamples_mixes_and_maps_device_frames_to_source_frames(qapp):
    x = tone(1.0, rate=22050)[:, 0]
    fmt = make_format(44100, 2, SampleFormat.INT16)
    feeder = PlaybackFeeder(fmt, 22050, [BlockSequence.from_array(x)], 0, len(x))
    raw = read_all(feeder, 4, 10 * 44100)
    assert feeder.finished and feeder.rendered_frames == 44100
    y = decode(raw, SampleFormat.INT16, 2)
    assert y.shape == (44100, 2)
    np.testing.assert_array_equal(y[:, 0], y[:, 1])
    expected = resample(x, 22050, 44100)
    np.testing.assert_allclose(y[1000:-1000, 0], expected[1000:-1000], atol=2e-4)
    assert feeder.source_frame_at(22050) == 11025


def test_feeder_loops_over_the_range_and_resumes_inside_it(qapp):
    x = np.arange(2000, dtype=np.float32)[:, None] / 4096
    fmt = make_format(RATE, 1, SampleFormat.FLOAT32)
    feeder = PlaybackFeeder(fmt, RATE, [BlockSequence.from_array(x)], 600, 1100, loop=True,
                            loop_start=100)
    y = decode(read_all(feeder, 4, 1500), SampleFormat.FLOAT32, 1)[:, 0]
    expected = np.concatenate([x[600:1100, 0], x[100:1100, 0]])
    np.testing.assert_array_equal(y, expected)
    assert not feeder.finished
    assert feeder.source_frame_at(250) == 850
    assert feeder.source_frame_at(500 + 300) == 400

"""The level meter shows what comes in: bars grow and fall with the input, clips latch."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.audio_server import SINK, SOURCE
from workbench.core.audio.blocks import BlockSequence
from workbench.runtime.audio_devices import AudioDevices
from workbench.runtime.player import Player
from workbench.runtime.recorder import Recorder
from workbench.ui.panels.level_meter import LevelMeter

RATE = 48000


def tone(amplitude, seconds=0.1, channels=2):
    t = np.arange(int(RATE * seconds)) / RATE
    x = (amplitude * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    return np.repeat(x[:, None], channels, axis=1)


def lit_pixels(meter, channel):
    """How many pixels of a channel's bar are lit (not the dark background)."""
    image = meter.grab().toImage()
    y = 2 + channel * 9 + 3
    return sum(1 for x in range(image.width() - 12)
               if image.pixelColor(x, y).lightness() > 60)


@pytest.fixture
def meter(qtbot):
    meter = LevelMeter(channels=2)
    qtbot.addWidget(meter)
    meter.resize(300, meter.sizeHint().height())
    meter.show()
    return meter


def test_bars_grow_and_shrink_with_the_input(meter):
    assert lit_pixels(meter, 0) == 0
    meter.feed(tone(0.05), now_s=0.0)
    quiet = lit_pixels(meter, 0)
    meter.feed(tone(0.7), now_s=0.1)
    loud = lit_pixels(meter, 0)
    assert 0 < quiet < loud
    np.testing.assert_allclose(meter.levels().peak, [0.7, 0.7], rtol=1e-2)
    np.testing.assert_allclose(meter.levels().rms, [0.7 / np.sqrt(2)] * 2, rtol=1e-2)
    meter.feed(tone(0.05), now_s=0.2)
    assert meter.levels().held_peak[0] == pytest.approx(0.7, rel=1e-2), "the peak is held"
    meter.feed(tone(0.05), now_s=5.0)
    assert lit_pixels(meter, 0) < loud, "and falls back after the hold time"


def test_each_channel_has_its_own_bar(meter):
    block = tone(0.5)
    block[:, 1] = 0.0
    meter.feed(block, now_s=0.0)
    assert lit_pixels(meter, 0) > 0 and lit_pixels(meter, 1) == 0


def test_a_clip_lights_the_lamp_until_clicked(qtbot, meter):
    block = tone(0.3)
    block[10, 1] = 1.0
    meter.feed(block, now_s=0.0)
    assert meter.levels().clipped.tolist() == [False, True]
    lamp = meter.grab().toImage().pixelColor(meter.width() - 5, 2 + 9 + 3)
    assert lamp.red() > 200 and lamp.green() < 80
    meter.feed(tone(0.1), now_s=10.0)
    assert meter.levels().clipped.tolist() == [False, True], "latched"
    with qtbot.waitSignal(meter.clip_reset):
        qtbot.mouseClick(meter, Qt.MouseButton.LeftButton)
    assert not meter.levels().clipped.any()


def test_meter_follows_the_live_input(qtbot, audio_server, meter):
    devices = AudioDevices()
    player, recorder = Player(devices), Recorder(devices)
    try:
        player.set_output_device(devices.find_output(SINK.encode()))
        recorder.set_input_device(devices.find_input(SOURCE.encode()))
        recorder.set_format(RATE, 2)
        recorder.samples_arrived.connect(lambda _first, frames: meter.feed(frames))
        recorder.start()
        qtbot.waitUntil(lambda: recorder.frames_recorded() > RATE // 10, timeout=5000)
        assert meter.levels().peak.max() < 0.01, "silence before the tone"
        player.set_samples(BlockSequence.from_array(tone(0.5, seconds=1.0)), RATE)
        player.play(0)
        qtbot.waitUntil(lambda: meter.levels().peak.min() > 0.3, timeout=5000)
        assert lit_pixels(meter, 0) > 0.5 * (meter.width() - 12)
        qtbot.waitSignal(player.finished, timeout=5000).wait()
        qtbot.waitUntil(lambda: meter.levels().peak.max() < 0.01, timeout=5000)
    finally:
        recorder.stop()
        player.stop()
        recorder.deleteLater()
        player.deleteLater()

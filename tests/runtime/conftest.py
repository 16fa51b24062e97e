"""Fixtures for playback and recording against the private PulseAudio server.

The server itself (null sink + virtual microphone, started before any Qt
multimedia object exists) comes from tests/audio_server.py; these fixtures
build the app's objects on top of it and always shut them down.
"""

import pytest

from tests.audio_server import SINK, SOURCE
from workbench.runtime.audio_devices import AudioDevices
from workbench.runtime.player import Player
from workbench.runtime.recorder import Recorder


@pytest.fixture
def devices(qapp, audio_server):
    devices = AudioDevices()
    yield devices
    devices.deleteLater()


@pytest.fixture
def vmic(devices):
    device = devices.find_input(SOURCE.encode())
    assert device is not None, f"Qt does not list the virtual microphone: {devices.inputs()}"
    return device


@pytest.fixture
def null_output(devices):
    device = devices.find_output(SINK.encode())
    assert device is not None, f"Qt does not list the null sink: {devices.outputs()}"
    return device


@pytest.fixture
def player(qtbot, devices, null_output):
    player = Player(devices)
    player.set_output_device(null_output)
    yield player
    player.stop()
    player.deleteLater()


@pytest.fixture
def recorder(qtbot, devices, vmic):
    recorder = Recorder(devices)
    recorder.set_input_device(vmic)
    recorder.set_format(48000, 1)
    yield recorder
    if recorder.is_recording():
        recorder.stop()
    recorder.deleteLater()

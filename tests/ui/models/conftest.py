"""The loop-back recording window the live-model tests share.

`loopback_window`: the app's window playing into the test server's null sink and
recording from its virtual microphone; afterwards the recorder is stopped and the
test waits until live words and live classes have finished their last take (a live
job left running would outlive the window).  `play_into_sink` starts `paplay` of a
file into that sink, which is what the window then records.
"""

import os
import subprocess

import pytest

from tests.audio_server import SINK, SOURCE


def choose(combo, data):
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def play_into_sink(audio_server, path) -> subprocess.Popen:
    env = dict(os.environ, **audio_server.client_env())
    return subprocess.Popen(["paplay", "-d", SINK, str(path)], env=env)


@pytest.fixture
def loopback_window(qtbot, window, audio_server):
    bar = window.transport.bar
    choose(bar.output_combo, SINK)
    choose(bar.input_combo, SOURCE)
    yield window
    window.recorder.stop()
    qtbot.waitUntil(window.classifier_ui.live.is_idle, timeout=20000)
    qtbot.waitUntil(window.recognizer_ui.live.is_idle, timeout=20000)

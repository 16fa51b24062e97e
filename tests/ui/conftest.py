"""Fixtures for GUI tests: a job runner that is always shut down, a main window."""

import numpy as np
import pyqtgraph as pg
import pytest
import soundfile as sf

from workbench.core.settings import Settings

# pyqtgraph drops mouse moves that come within 10 ms of the previous one (100/s).
# Tests send a whole drag in a few milliseconds, so a drag right after another
# one would lose every move and turn into a click, at random.  No rate limit here.
pg.setConfigOption("mouseRateLimit", 0)


@pytest.fixture
def window(qtbot, runner):
    from workbench.ui.shell.main_window import MainWindow

    win = MainWindow(runner, Settings())
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def tone_file(tmp_path):
    """3 s stereo 16-bit WAV: a 440 Hz tone left, silence with one spike right."""
    rate = 16000
    t = np.arange(3 * rate) / rate
    data = np.zeros((len(t), 2), np.float32)
    data[:, 0] = 0.5 * np.sin(2 * np.pi * 440 * t)
    data[24000, 1] = 0.75
    path = tmp_path / "tone.wav"
    sf.write(path, data, rate, subtype="PCM_16")
    return path


def open_and_wait(qtbot, window, path):
    """Open a file through the window and wait until every view has drawn."""
    window.open_paths([path])
    qtbot.waitUntil(lambda: len(window.open_documents) >= 1, timeout=10000)
    qtbot.waitUntil(window.is_idle, timeout=20000)
    return window.open_documents[-1]

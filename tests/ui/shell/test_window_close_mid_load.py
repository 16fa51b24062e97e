"""Closing a window while its file is still being read in the background."""

import numpy as np
import shiboken6
import soundfile as sf

from workbench.core.analysis.peaks import SYNC_BUILD_LIMIT
from workbench.core.settings import Settings


def test_closing_the_window_while_peaks_load_drops_their_results_quietly(qtbot, runner,
                                                                         tmp_path):
    from workbench.ui.shell.main_window import MainWindow

    # Long enough that its peaks are read by background jobs, not on demand.
    path = tmp_path / "long.wav"
    sf.write(path, np.full(3 * SYNC_BUILD_LIMIT, 0.25, np.float32), 8000, subtype="PCM_16")
    window = MainWindow(runner, Settings())
    window.show()
    with qtbot.waitSignal(window.loader.peaks_progressed, timeout=10000):
        window.open_paths([path])
    assert not runner.is_idle()  # the peak jobs are running...
    window.close()
    shiboken6.delete(window)  # ...when the window (and its loader) goes away
    # Their progress and results come back to a loader that is gone: nothing may
    # raise (pytest-qt fails the test on an exception in any slot).
    qtbot.waitUntil(runner.is_idle, timeout=10000)

"""Composition root of the GUI: builds the QApplication, runner, settings and window.

`run_gui` is the only place these objects are created and wired together;
everything else receives what it needs.  `--screenshot` opens the window
offscreen at 1600x1000, waits until every view has finished drawing, saves a
PNG and exits.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from workbench.core.paths import RESOURCES

DEMO_RECORDING = RESOURCES / "demo" / "demo.flac"
SCREENSHOT_SIZE = (1600, 1000)
SCREENSHOT_TIMEOUT_MS = 180_000
EXIT_UNREADABLE_INPUT = 3


def run_gui(paths: list[Path], screenshot: Path | None = None) -> int:
    """Open the workbench on `paths` (the demo when empty); returns the exit code."""
    if screenshot is not None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    from workbench.core.settings import Settings
    from workbench.runtime.job_runner import JobRunner
    from workbench.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Audio Workbench")
    app.setStyle("Fusion")
    runner = JobRunner()
    window = MainWindow(runner, Settings.load())
    previous_hook = sys.excepthook
    sys.excepthook = lambda t, e, tb: window.errors.report("Unexpected error", e)
    window.open_paths(paths or [DEMO_RECORDING])
    shooter = None
    if screenshot is not None:
        from workbench.ui.screenshot import ScreenshotTaker

        window.resize(*SCREENSHOT_SIZE)
        shooter = ScreenshotTaker(window, screenshot, SCREENSHOT_TIMEOUT_MS)
        shooter.done.connect(app.exit)
        shooter.start()
    window.show()
    try:
        code = app.exec()
    finally:
        sys.excepthook = previous_hook
        runner.shutdown()
    if shooter is not None and code == 0 and window.errors.last_error is not None:
        return EXIT_UNREADABLE_INPUT
    return code

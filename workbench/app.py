"""Composition root of the GUI: builds the QApplication, runner, settings and window.

`run_gui` is the only place these objects are created and wired together;
everything else receives what it needs.  `--screenshot` opens the window
offscreen at 1600x1000, waits until every view has finished drawing, saves a
PNG and exits.  `--run transcribe,enhance,classify` submits those model jobs
for each opened file (enhance last, so that the others read the original
audio and are not stale); the screenshot waits for them.  `--lesson FILE
--lesson-step N` starts a lesson on the first opened file and steps to N.
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
EXIT_MODEL_ERROR = 4


def run_gui(paths: list[Path], screenshot: Path | None = None, run: tuple[str, ...] = (),
            device: str | None = None, zoo: Path | None = None,
            lesson: tuple[Path, int] | None = None, corpus: Path | None = None) -> int:
    """Open the workbench on `paths` (the demo when empty); returns the exit code.

    `run` names model jobs to start on each opened file, `device` is the
    --device flag, `zoo` the model folder (default: core.paths.models_dir()),
    `lesson` a lesson file and the step (1-based) to go on to once the first
    file has opened; `corpus` a corpus run folder to show in the corpus dock (with
    no `paths`, its first file opens at its first segment instead of the demo).
    """
    if screenshot is not None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    from workbench.core.settings import Settings
    from workbench.ml.zoo import ModelZoo
    from workbench.ml.zoo.model_cache import ModelCache
    from workbench.runtime.job_runner import JobRunner
    from workbench.runtime.model_jobs import ModelJobService
    from workbench.ui.shell.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Audio Workbench")
    app.setStyle("Fusion")
    runner = JobRunner()
    settings = Settings.load()
    model_jobs = ModelJobService(runner, ModelZoo.installed(zoo), ModelCache(),
                                 settings.device, device_flag=device)
    window = MainWindow(runner, settings, model_jobs=model_jobs)
    run_failures: list[BaseException] = []
    if run:
        window.loader.loaded.connect(
            lambda doc: _submit_runs(window, model_jobs, doc, run, run_failures))
    if lesson is not None:
        _start_lesson_after_first_load(window, *lesson)
    previous_hook = sys.excepthook
    sys.excepthook = lambda t, e, tb: window.errors.report("Unexpected error", e)
    if corpus is not None:
        window.corpus.open_run(corpus)
    if not (corpus is not None and not paths and window.corpus.open_first_file()):
        window.open_paths(paths or [DEMO_RECORDING])
    shooter = None
    if screenshot is not None:
        from workbench.ui.shell.screenshot import ScreenshotTaker

        window.resize(*SCREENSHOT_SIZE)
        shooter = ScreenshotTaker(window, screenshot, SCREENSHOT_TIMEOUT_MS)
        shooter.done.connect(app.exit)
        shooter.start()
    window.show()
    if screenshot is None:  # unsaved work a crash left behind; never in unattended runs
        window.projects.offer_recovery()
    try:
        code = app.exec()
    finally:
        sys.excepthook = previous_hook
        if shooter is not None:  # an unattended render: nothing it did was the user's work,
            for entry in list(window.open_documents):  # so it leaves no recovery data behind
                window.projects.forget(entry.document)
        runner.shutdown()
    if shooter is not None and code == 0 and run_failures:
        return EXIT_MODEL_ERROR
    if shooter is not None and code == 0 and window.errors.last_error is not None:
        return EXIT_UNREADABLE_INPUT
    return code


def _start_lesson_after_first_load(window, path: Path, step: int) -> None:
    """Start the --lesson once the first document is open, then step on to `step`."""
    def on_loaded(_doc) -> None:
        window.loader.loaded.disconnect(on_loaded)
        if window.lessons.start_file(path):
            for _ in range(step - 1):  # step by step: each step's actions run on the way
                window.lessons.player.next()

    window.loader.loaded.connect(on_loaded)


def _submit_runs(window, model_jobs, doc, kinds: tuple[str, ...],
                 failures: list[BaseException]) -> None:
    """Start the --run model jobs on a freshly opened document; enhance goes last."""
    for kind in sorted(kinds, key=lambda k: k == "enhance"):
        handle = model_jobs.submit(kind, doc)
        handle.failed.connect(lambda exc, k=kind: (
            failures.append(exc), window.errors.report(f"Cannot {k} {doc.title}", exc)))

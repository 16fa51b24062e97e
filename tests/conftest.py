"""Test-wide setup: offscreen Qt before any Qt import, fresh settings, no leaked threads."""

import gc
import os
import threading

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # must precede any PySide6 import

import pytest  # noqa: E402

# The private PulseAudio server for playback/recording tests (see tests/audio_server.py).
pytest_plugins = ("tests.audio_server",)


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """Each test gets its own settings, cache and data dirs (never the user's)."""
    base = tmp_path_factory.mktemp("workbench-home")
    monkeypatch.setenv("WORKBENCH_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(base / "data"))
    yield


@pytest.fixture(autouse=True)
def _no_leftover_threads():
    """A test that leaves a Python thread running fails."""
    before = set(threading.enumerate())
    yield
    leftover = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    for t in leftover:
        t.join(timeout=2)
    leftover = [t for t in leftover if t.is_alive()]
    assert not leftover, f"threads left running: {leftover}"


@pytest.fixture(autouse=True)
def _garbage_due_collected_between_tests():
    """Once a JobRunner has turned automatic collection over to the GUI thread's timer
    (runtime/gui_thread_gc.py), a test without an event loop would let garbage pile up:
    collect what is due after each test, on this (the main) thread."""
    yield
    if not gc.isenabled():
        from workbench.runtime.gui_thread_gc import GuiThreadCollector

        GuiThreadCollector.collect_due()


@pytest.fixture
def runner(qapp):
    """A JobRunner whose worker threads must all have stopped when the test ends."""
    from workbench.runtime.job_runner import JobRunner

    runner = JobRunner(cpu_threads=2)
    yield runner
    assert runner.shutdown(), "worker threads did not stop"

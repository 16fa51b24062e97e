"""Waits until the window has finished drawing, then saves a PNG of it."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

POLL_MS = 50
IDLE_POLLS_NEEDED = 3  # idle on consecutive polls: nothing queued behind the last job


class ScreenshotTaker(QObject):
    """Emits `done(exit_code)` after saving (0) or giving up (1)."""

    done = Signal(int)

    def __init__(self, window, path: Path, timeout_ms: int) -> None:
        super().__init__(window)
        self._window, self._path, self._timeout = window, Path(path), timeout_ms
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._clock = QElapsedTimer()
        self._idle_polls = 0

    def start(self) -> None:
        self._clock.start()
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        self._idle_polls = self._idle_polls + 1 if self._window.is_idle() else 0
        if self._idle_polls >= IDLE_POLLS_NEEDED:
            self._timer.stop()
            self.done.emit(0 if self._save() else 1)
        elif self._clock.elapsed() > self._timeout:
            self._timer.stop()
            print(f"screenshot: views still busy after {self._timeout} ms", file=sys.stderr)
            self.done.emit(1)

    def _save(self) -> bool:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        ok = self._window.grab().save(str(self._path))
        if not ok:
            print(f"screenshot: could not write {self._path}", file=sys.stderr)
        return ok

"""Shows errors to the user: status bar line, a details dialog, and the log.

Errors arrive as exception objects (never strings to match).  The dialog is
opened non-modally with `open()` so background work and tests keep running.
"""

from __future__ import annotations

import logging
import traceback

from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

log = logging.getLogger("workbench")


class ErrorReporter:
    """Owned by the main window; keeps the last error for tests and the log."""

    def __init__(self, parent: QWidget, status_bar: QStatusBar) -> None:
        self._parent = parent
        self._status = status_bar
        self.last_error: BaseException | None = None
        self.last_dialog: QMessageBox | None = None

    def report(self, title: str, error: BaseException) -> None:
        self.last_error = error
        log.error("%s: %s", title, error, exc_info=(type(error), error, error.__traceback__))
        self._status.showMessage(f"{title}: {error}", 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, title, str(error),
                          QMessageBox.StandardButton.Ok, self._parent)
        details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        box.setDetailedText(details)
        box.open()
        self.last_dialog = box

    def warn(self, title: str, text: str) -> None:
        self._status.showMessage(text, 15000)
        box = QMessageBox(QMessageBox.Icon.Information, title, text,
                          QMessageBox.StandardButton.Ok, self._parent)
        box.open()
        self.last_dialog = box

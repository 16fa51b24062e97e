"""The Models menu: run a model on the selection (or the whole file), open the manager.

GUI thread only.  The menu reads the current document and selection through
the main window and submits through the model job service.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from workbench.core.analysis.results import MODEL_KINDS
from workbench.runtime.job_runner import JobHandle
from workbench.runtime.model_jobs import ModelJobService

ACTION_TEXT = {"transcribe": "&Transcribe", "enhance": "&Enhance Speech",
               "classify": "&Classify Sounds"}
SHORTCUTS = {"transcribe": "Ctrl+Shift+T", "enhance": "Ctrl+Shift+H", "classify": "Ctrl+Shift+K"}


class ModelsMenu(QMenu):
    """Transcribe / Enhance / Classify and "Model Manager…".  `window` is the MainWindow."""

    def __init__(self, window, model_jobs: ModelJobService) -> None:
        super().__init__("&Models", window)
        self._window, self._service = window, model_jobs
        self.kind_actions = {}
        for kind in MODEL_KINDS:
            action = self.addAction(ACTION_TEXT[kind])
            action.setShortcut(SHORTCUTS[kind])
            action.setStatusTip("Runs on the selection, or on the whole file when nothing "
                                "is selected")
            action.triggered.connect(lambda _=False, k=kind: self.run(k))
            self.kind_actions[kind] = action
        self.addSeparator()
        self.manager_action = self.addAction("Model &Manager…")
        self.manager_action.triggered.connect(window.model_manager_dialog)

    def run(self, kind: str) -> JobHandle | None:
        """Submit `kind` for the current document's selection (or whole file)."""
        handle = self.submit_on_selection(kind)
        if handle is None:
            return None
        job = self._service.job_for(handle)
        self._window.statusBar().showMessage(f"{job.handle.request.name}: {job.target} queued",
                                             5000)
        return handle

    def submit_on_selection(self, kind: str, model: str | None = None) -> JobHandle | None:
        """Submit `kind` with `model` (None: the default) for the current document's
        selection, or its whole file when nothing is selected; None, saying so in the
        status bar, when no file is open.  Every "run a model" action comes here."""
        entry = self._window.current_entry()
        if entry is None:
            self._window.statusBar().showMessage("Open a file first", 5000)
            return None
        selection = entry.view.selection
        if selection is not None and selection[1] <= selection[0]:
            selection = None
        return self._service.submit(kind, entry.document, selection, model=model)

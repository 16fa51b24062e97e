"""File > Run Model on Corpus… (a job with the jobs panel's progress and cancel) and
File > Open Corpus Run…: the corpus view in a dock, opening its files on the timeline at
the segment the user double-clicked."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFileDialog

from workbench.core.jobs import JobRequest

PREVIEW_S = 4.0  # a hovered segment plays this long at most: a taste, not the file


class CorpusActions(QObject):
    """The Open Corpus Run action and the corpus dock of `window` (a MainWindow).

    GUI thread only.  A file asked for while it is still loading gets its segment
    selected and zoomed to when the loader delivers it.
    """

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.dock: QDockWidget | None = None
        self.view = None
        self._pending: dict[Path, tuple[float, float]] = {}
        file_menu = window.menuBar().actions()[0].menu()
        before = next((a for a in file_menu.actions() if a.text().startswith("&Export")), None)
        self.run_action = QAction("&Run Model on Corpus…", window)
        self.run_action.triggered.connect(self.run_dialog)
        file_menu.insertAction(before, self.run_action)
        self.action = QAction("Open &Corpus Run…", window)
        self.action.triggered.connect(self.open_dialog)
        file_menu.insertAction(before, self.action)
        window.loader.loaded.connect(self._on_loader_loaded)

    def run_dialog(self) -> None:
        from workbench.ui.dialogs.corpus_run_dialog import CorpusRunDialog

        dialog = CorpusRunDialog(self.window.settings.last_directory or "", self.window)
        if dialog.exec():
            kind, inputs, out_dir = dialog.choice()
            self.start_run(kind, [inputs], out_dir)

    def start_run(self, kind: str, inputs: list[Path], out_dir: Path,
                  workers: int | None = None, zoo: Path | None = None,
                  module: str = "workbench"):
        """Run `kind` over `inputs` into `out_dir` as a job (`workbench batch` in a child
        process, one core left to the GUI unless `workers` says otherwise; the model from
        `zoo`, default the window's).  The run opens in the dock when it ends, and on
        cancel with the rows done.  Returns the JobHandle."""
        from workbench.runtime.corpus.corpus_job import CorpusRunRequest, corpus_job

        cores = os.cpu_count() or 1
        request = CorpusRunRequest(kind, tuple(map(Path, inputs)), Path(out_dir),
                                   zoo or self.window.model_jobs.zoo.folder,
                                   workers=workers or max(1, cores - 1), module=module)
        handle = self.window.runner.submit(
            JobRequest("corpus", f"{kind.capitalize()} corpus", target=str(out_dir)),
            corpus_job(request))
        handle.finished.connect(lambda _outcome: self.open_run(Path(out_dir)))
        handle.cancelled.connect(lambda: self._open_if_any(Path(out_dir)))
        handle.failed.connect(lambda exc: self.window.errors.report(
            f"Cannot {kind} the corpus", exc))
        return handle

    def _open_if_any(self, out_dir: Path) -> None:
        if (out_dir / "ledger").is_dir():
            self.open_run(out_dir)

    def open_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Open Corpus Run",
                                                  self.window.settings.last_directory)
        if folder:
            self.open_run(Path(folder))

    def open_run(self, folder: Path) -> None:
        """Show the run in RUN_DIR `folder` (reported on the error notifier if unreadable)."""
        from workbench.ui.corpus.corpus_run_data import CorpusRunData
        from workbench.ui.corpus.corpus_view import CorpusView

        try:
            data = CorpusRunData.read(folder)
        except (OSError, ValueError) as exc:  # pyarrow's errors are OSError/ValueError
            self.window.errors.report(f"Cannot open the corpus run {folder.name}", exc)
            return
        if self.dock is None:
            self.dock = QDockWidget("Corpus run", self.window)
            self.dock.setObjectName("corpus-run")
            self.window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        if self.view is not None:  # the run shown before: its map is no longer wanted
            self.view.embedding_map.stop_placing()
            self.view.deleteLater()
        self.view = CorpusView(data, self.window.runner)
        self.view.open_requested.connect(self.open_at)
        self.view.play_requested.connect(self.preview)
        self.dock.setWidget(self.view)
        self.dock.setWindowTitle(f"Corpus run: {folder.name}")
        self.dock.show()
        # The matrix and the map sit side by side under the table: give them room.
        width = 680 if self.view.has_insights() else 560
        self.window.resizeDocks([self.dock], [width], Qt.Orientation.Horizontal)

    def open_first_file(self) -> bool:
        """Choose the first file shown that has a result (error rows cannot be opened)
        and open it at its first segment; False when no run is shown or it lists none."""
        rows = self.view.visible_files() if self.view is not None else []
        first = next((i for i, row in enumerate(rows) if row["status"] == "ok"), None)
        if first is None:
            return False
        self.view.open_row(first)
        return True

    def open_at(self, path: str, start: float | None, end: float | None) -> None:
        """Show `path` on the timeline with (start, end) selected; open it if needed."""
        target = Path(path)
        entry = next((e for e in self.window.open_documents
                      if e.document.path and Path(e.document.path) == target), None)
        if entry is not None:
            self.window.tabs.setCurrentWidget(entry.view)
            _select(entry.view, start, end)
            return
        if start is not None:
            self._pending[target] = (start, end)
        self.window.open_paths([target])

    def preview(self, path: str, start: float, end: float) -> None:
        """Play `path` from `start` to `end` (at most PREVIEW_S) through the window's
        player, without opening it; an unreadable file is reported."""
        from workbench.core.audio.audio_file import AudioFileError, read_audio
        from workbench.core.audio.blocks import BlockSequence

        try:
            loaded = read_audio(path)
        except AudioFileError as exc:
            self.window.errors.report(f"Cannot play {Path(path).name}", exc)
            return
        rate = loaded.info.sample_rate
        first = min(max(0, round(start * rate)), loaded.info.frames)
        last = min(round(min(end, start + PREVIEW_S) * rate), loaded.info.frames)
        clip = BlockSequence.from_source(loaded.source).slice(first, max(first, last))
        self.window.transport.preview(clip, rate)

    def _on_loader_loaded(self, doc) -> None:
        span = self._pending.pop(Path(doc.path), None) if doc.path else None
        entry = self.window._entry_for(doc)
        if span is not None and entry is not None:
            _select(entry.view, *span)


def _select(view, start: float | None, end: float | None) -> None:
    if start is None or end is None:
        return
    view.set_selection((start, end))
    view.zoom_to_selection()

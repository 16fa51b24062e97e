"""The Learn menu and the lesson dock, wired into the main window.

The menu lists the bundled lessons (resources/lessons/) by title, offers a
lesson file of the user's own, and holds Next, Back and End Lesson with their
shortcuts, Export Lesson Handout, and Presenter Mode.  The dock shows the LessonPanel while a lesson runs.

GUI thread only.  Built once by the MainWindow; owns the player and the dock.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMenu

from workbench.core.lessons.bundled import LESSONS_DIR, bundled_lesson_paths
from workbench.core.lessons.lesson import LessonError
from workbench.core.lessons.parser import load_lesson
from workbench.core.lessons.step_state import state_at
from workbench.ui.lessons.lesson_export import LessonExporter
from workbench.ui.lessons.lesson_panel import LessonPanel
from workbench.ui.lessons.lesson_player import LessonPlayer
from workbench.ui.lessons.presenter_mode import PresenterMode

NEXT_KEYS, BACK_KEYS = "Alt+Right", "Alt+Left"
PRESENTER_KEYS = "Ctrl+Shift+P"
LESSON_FILTER = "Lessons (*.md);;All files (*)"
DOCK_WIDTH = 340


class LessonsUi(QObject):
    """The lessons' part of `window` (a MainWindow)."""

    def __init__(self, window, folder: Path = LESSONS_DIR) -> None:
        super().__init__(window)
        self.window = window
        self.player = LessonPlayer(window)
        self.panel = LessonPanel()
        self.dock = QDockWidget("Lesson", window)
        self.dock.setObjectName("lesson")
        self.dock.setWidget(self.panel)
        # On the left, alone: the full height for the text, and the right-hand panels the
        # steps point at stay where the student knows them.
        window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.dock)
        window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.dock.hide()  # until a lesson starts
        self.menu = QMenu("&Learn", window)
        self.lesson_actions = [self._lesson_action(path) for path in bundled_lesson_paths(folder)]
        self.menu.addSeparator()
        self.menu.addAction("Open Lesson &File…").triggered.connect(self.open_lesson_dialog)
        self.menu.addSeparator()
        self.next_action = self._step_action("&Next Step", NEXT_KEYS, self.player.next)
        self.back_action = self._step_action("&Previous Step", BACK_KEYS, self.player.back)
        self.end_action = self._step_action("&End Lesson", None, self.player.end)
        self.export_action = self._step_action("E&xport Lesson Handout…", None,
                                               self.export_dialog)
        self.exporter: LessonExporter | None = None
        self.menu.addSeparator()
        self.presenter = PresenterMode(window)
        self.presenter_action = self._step_action("P&resenter Mode", PRESENTER_KEYS,
                                                  self.presenter.set_active)
        self.presenter_action.setCheckable(True)
        self.presenter.toggled.connect(self.presenter_action.setChecked)
        window.menuBar().addMenu(self.menu)
        self.panel.next_requested.connect(self.player.next)
        self.panel.back_requested.connect(self.player.back)
        self.panel.end_requested.connect(self.player.end)
        self.player.step_shown.connect(self._on_player_step_shown)
        self.player.ended.connect(self._on_player_ended)
        self._on_player_ended()

    def _lesson_action(self, path: Path) -> QAction:
        try:
            title = load_lesson(path).title
        except (LessonError, OSError):
            title = path.stem  # starting it reports the mistake
        action = self.menu.addAction(title)
        action.setData(str(path))
        action.triggered.connect(lambda _=False, p=path: self.start_file(p))
        return action

    def _step_action(self, text: str, keys: str | None, slot) -> QAction:
        action = self.menu.addAction(text)
        if keys:
            action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        return action

    # -- starting ------------------------------------------------------------------
    def start_file(self, path: Path) -> bool:
        """Start the lesson in `path`; a broken file is reported (file, line, reason)."""
        try:
            lesson = load_lesson(path)
        except (LessonError, OSError) as exc:
            self.window.errors.report(f"Cannot start the lesson {Path(path).name}", exc)
            return False
        if not self.dock.isVisible():
            self.dock.show()
            self.window.resizeDocks([self.dock], [DOCK_WIDTH], Qt.Orientation.Horizontal)
        self.dock.raise_()
        self.player.start(lesson)
        return True

    def open_lesson_dialog(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self.window, "Open Lesson", str(LESSONS_DIR),
                                              LESSON_FILTER)
        if name:
            self.start_file(Path(name))

    # -- exporting ---------------------------------------------------------------------
    def export_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Export Lesson Handout To")
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> LessonExporter | None:
        """Export the running lesson's figures and handout into `folder` (in the background
        of the GUI: the exporter steps through the lesson as the window draws)."""
        if not self.player.running or self.exporter is not None:
            return None
        self.exporter = LessonExporter(self.window, self.player, folder)
        self.exporter.finished.connect(self._on_exporter_finished)
        self.exporter.failed.connect(self._on_exporter_failed)
        self.export_action.setEnabled(False)
        self.exporter.start()
        return self.exporter

    def _on_exporter_finished(self, path: Path) -> None:
        self._forget_exporter()
        self.window.statusBar().showMessage(f"Exported the lesson handout to {path}", 10000)

    def _on_exporter_failed(self, error: Exception) -> None:
        self._forget_exporter()
        self.window.errors.report("Cannot export the lesson handout", error)

    def _forget_exporter(self) -> None:
        self.exporter.deleteLater()
        self.exporter = None
        self.export_action.setEnabled(self.player.running)

    # -- following the player ------------------------------------------------------
    def _on_player_step_shown(self, index: int) -> None:
        lesson = self.player.lesson
        self.panel.show_step(lesson, index, state_at(lesson, index).try_text)
        self.back_action.setEnabled(index > 0)
        self.next_action.setEnabled(index < len(lesson.steps) - 1)
        self.end_action.setEnabled(True)
        self.export_action.setEnabled(self.exporter is None)

    def _on_player_ended(self) -> None:
        self.panel.show_idle()
        self.dock.hide()
        for action in (self.next_action, self.back_action, self.end_action,
                       self.export_action):
            action.setEnabled(False)

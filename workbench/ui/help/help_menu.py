"""The Help menu: Lessons (the Learn menu's lessons), Keyboard Shortcuts, About."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from workbench.ui.help.about_dialog import about_dialog
from workbench.ui.help.shortcuts_dialog import ShortcutsDialog


class HelpMenu(QMenu):
    """Built once by the MainWindow (last, so it lists every other menu's actions).

    `lessons_menu` is the Learn menu, offered here too.  GUI thread only.
    """

    def __init__(self, window, lessons_menu: QMenu | None = None) -> None:
        super().__init__("&Help", window)
        self._window = window
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self.about_box: QMessageBox | None = None
        if lessons_menu is not None:
            self.addAction(lessons_menu.menuAction())
        self.shortcuts_action = self.addAction("&Keyboard Shortcuts…")
        self.shortcuts_action.setShortcut(QKeySequence("Ctrl+/"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        self.about_action = self.addAction("&About Audio Workbench")
        self.about_action.triggered.connect(self.show_about)
        window.menuBar().addMenu(self)

    def show_shortcuts(self) -> ShortcutsDialog:
        if self.shortcuts_dialog is not None:
            self.shortcuts_dialog.close()
            self.shortcuts_dialog.deleteLater()
        self.shortcuts_dialog = ShortcutsDialog(self._window)  # the actions as they are now
        self.shortcuts_dialog.show()
        return self.shortcuts_dialog

    def show_about(self) -> QMessageBox:
        self.about_box = about_dialog(self._window)
        return self.about_box

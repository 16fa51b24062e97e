"""Asking before unsaved changes are lost: closing a tab, closing the window.

Questions are non-modal: `ask(title, text, choices, answered)` shows them and
calls `answered(choice)` later (None when the box was just closed), so a close
never blocks the event loop (nor a test's teardown).  Meanwhile the close is
refused; once the answers are in, and any saves the user chose have
succeeded, the guard closes the tab or the window itself.  Cancel, or a save
that fails, leaves everything open and the document dirty.

GUI thread only.  Owned by ProjectActions, which does the saving and owns the
journals that Discard throws away.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

SAVE, DISCARD, CANCEL = "Save", "Discard", "Cancel"

Ask = Callable[[str, str, list[str], Callable[[str | None], None]], None]


def ask_with_message_box(parent: QWidget) -> Ask:
    """An `ask` that shows a QMessageBox with one button per choice, opened non-modally."""
    def ask(title: str, text: str, choices: list[str],
            answered: Callable[[str | None], None]) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        buttons = {box.addButton(c, QMessageBox.ButtonRole.ActionRole): c for c in choices}
        box.finished.connect(lambda _code: answered(buttons.get(box.clickedButton())))
        box.open()
    return ask


class UnsavedGuard:
    """Decides whether a tab or the window may close, asking about unsaved documents."""

    def __init__(self, actions) -> None:
        self.actions = actions
        self.window = actions.window
        self._discard_on_quit: set[int] = set()  # id() of documents the user let go

    def _unsaved(self, entry) -> bool:
        return entry.history.is_dirty and entry.document in self.actions.files

    # -- a tab ---------------------------------------------------------------------------
    def may_close(self, entry) -> bool:
        """Whether `entry`'s tab may close now; if not, the user is being asked."""
        if not self._unsaved(entry):
            self.actions.forget(entry.document)
            return True
        self.actions.ask("Unsaved changes", f"Save the changes to “{entry.document.title}” "
                         "before closing?", [SAVE, DISCARD, CANCEL],
                         lambda choice: self._on_close_answered(entry, choice))
        return False

    def _on_close_answered(self, entry, choice: str | None) -> None:
        if choice == SAVE:
            self.actions.save(entry, then=lambda: self._close_tab(entry))
        elif choice == DISCARD:
            self.actions.forget(entry.document)  # no journal left: the tab may go
            self._close_tab(entry)

    def _close_tab(self, entry) -> None:
        def close() -> None:
            index = self.window.tabs.indexOf(entry.view)
            if index >= 0:
                self.window.close_tab(index)
        # Later, not now: an answer may arrive while Qt is still inside the first close.
        QTimer.singleShot(0, self.window, close)

    # -- the window ------------------------------------------------------------------------
    def may_quit(self) -> bool:
        """Whether the window may close now; if not, the user is being asked."""
        undecided = [e for e in self.window.open_documents
                     if self._unsaved(e) and id(e.document) not in self._discard_on_quit]
        if not undecided:
            for entry in list(self.window.open_documents):
                self.actions.forget(entry.document)
            self._discard_on_quit.clear()
            return True
        self._ask_next(undecided, [])
        return False

    def _ask_next(self, undecided: list, to_save: list) -> None:
        if not undecided:
            self._quit_after(to_save)
            return
        entry, rest = undecided[0], undecided[1:]
        self.actions.ask("Unsaved changes", f"Save the changes to “{entry.document.title}” "
                         "before quitting?", [SAVE, DISCARD, CANCEL],
                         lambda choice: self._on_quit_answered(entry, choice, rest, to_save))

    def _on_quit_answered(self, entry, choice: str | None, rest: list, to_save: list) -> None:
        if choice == SAVE:
            self._ask_next(rest, [*to_save, entry])
        elif choice == DISCARD:
            self._discard_on_quit.add(id(entry.document))
            self._ask_next(rest, to_save)
        else:
            self._discard_on_quit.clear()  # not quitting after all: every answer is void

    def _quit_after(self, to_save: list) -> None:
        waiting = {id(e) for e in to_save}

        def saved(entry) -> None:
            waiting.discard(id(entry))
            if not waiting:
                QTimer.singleShot(0, self.window, self.window.close)

        if not to_save:
            # Later, not now: Qt ignores close() while it is still inside closeEvent.
            QTimer.singleShot(0, self.window, self.window.close)
        for entry in to_save:
            self.actions.save(entry, then=lambda e=entry: saved(e))

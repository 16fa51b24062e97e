"""The Labels menu, the label rows of every document, and the labels' context menu.

Ctrl+B labels the selection (a point label at a bare cursor) in the current
tier and opens its text for typing, as in Audacity; Ctrl+M puts a point
label at the playhead (the cursor when nothing plays or is paused).  Without any
tier, a tier named "Labels" is made in the same history step.  Tiers can be
added, renamed, moved up and down and deleted; labels can be imported from
and exported to Audacity label text, Praat TextGrid and CSV.  Methods that
would ask the user (a name, a file) take the answer as an argument instead,
which is how tests and scripts call them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu

from workbench.core.document.document import Document
from workbench.core.document.edits import EditError
from workbench.core.document.label_commands import (
    AddLabelCommand,
    AddTierCommand,
    AddTiersCommand,
    DeleteLabelCommand,
    DeleteTierCommand,
    MoveTierCommand,
    RenameTierCommand,
)
from workbench.core.labels.label_formats import (
    LabelFormat,
    LabelFormatError,
    export_labels,
    import_labels,
)
from workbench.core.labels.labels import find_tier
from workbench.runtime.player import PlaybackState
from workbench.ui.timeline.label_tier_view import LabelTierRows

DEFAULT_TIER_NAME = "Labels"
LABEL_FILTER = ("Label files (*.txt *.TextGrid *.csv);;Audacity labels (*.txt);;"
                "Praat TextGrid (*.TextGrid);;CSV (*.csv)")


class LabelActions(QObject):
    """Labels for `window` (a MainWindow); commands go through `edit_actions.push`.

    GUI thread only.  Owns its menu and one LabelTierRows per open document
    (parented to the document's view).  `last_dialog` is the name dialog
    opened most recently (tests drive it).  `label_clicked(document, tier,
    Label)` says a label was clicked on a document's timeline (a model room
    that owns the tier, such as the recognizer's words, acts on it).
    """

    label_clicked = Signal(object, object, object)  # Document, LabelTier, Label

    def __init__(self, window, edit_actions) -> None:
        super().__init__(window)
        self.window, self.edit_actions = window, edit_actions
        # view -> rows; the parts refer to their view, so entries are
        # dropped when the window closes the document, not by weak references.
        self.rows: dict = {}
        window.document_closed.connect(self._on_window_document_closed)
        self.last_dialog: QInputDialog | None = None
        self.menu = QMenu("&Labels", window)
        self.actions: dict[str, QAction] = {}
        m = self.menu
        self._action("add_from_selection", "Add Label at &Selection", self.add_label_from_selection,
                     "Ctrl+B")
        self._action("add_at_playhead", "Add Label at &Playhead", self.add_label_at_playhead,
                     "Ctrl+M")
        m.addSeparator()
        self._action("new_tier", "&New Tier…", self.add_tier)
        self._action("rename_tier", "&Rename Tier…", self.rename_tier)
        self._action("tier_up", "Move Tier &Up", lambda: self.move_tier(-1))
        self._action("tier_down", "Move Tier &Down", lambda: self.move_tier(1))
        self._action("delete_tier", "Delete &Tier", self.delete_tier)
        m.addSeparator()
        self._action("import", "&Import Labels…", self.import_labels)
        self._action("export", "&Export Labels…", self.export_labels)
        window.loader.loaded.connect(self._on_loader_loaded)

    def _action(self, key: str, text: str, slot, shortcut: str | None = None) -> None:
        action = QAction(text, self.window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _=False: slot())
        self.menu.addAction(action)
        self.actions[key] = action

    # -- documents --------------------------------------------------------------------------
    def _on_loader_loaded(self, document: Document) -> None:
        entry = next((e for e in self.window.open_documents if e.document is document), None)
        if entry is None:
            return
        rows = LabelTierRows(document, entry.view, entry.history)
        rows.context_menu_requested.connect(self._on_rows_context_menu_requested)
        rows.label_clicked.connect(
            lambda tier_id, label, d=document: self._on_rows_label_clicked(d, tier_id, label))
        self.rows[entry.view] = rows

    def _on_rows_label_clicked(self, document: Document, tier_id: str, label) -> None:
        tier = next((t for t in document.label_tiers if t.id == tier_id), None)
        if tier is not None:
            self.label_clicked.emit(document, tier, label)

    def rows_for_current(self):
        """(entry, its LabelTierRows) of the current tab, or (None, None)."""
        entry = self.window.current_entry()
        rows = self.rows.get(entry.view) if entry else None
        return (entry, rows) if rows is not None else (None, None)

    def _push(self, command, entry) -> bool:
        return self.edit_actions.push(command, entry)

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 8000)

    # -- adding labels ----------------------------------------------------------------------------
    def add_label_from_selection(self, text: str | None = None) -> str | None:
        """Label the selection in the current tier; returns the new label's id.

        Without `text`, the label starts empty and its editor opens for typing.
        """
        entry, rows = self.rows_for_current()
        if entry is None:
            return None
        sel = entry.document.selection
        return self._add_label(entry, rows, sel.start, sel.stop, text)

    def add_label_at_playhead(self, text: str | None = None) -> str | None:
        """A point label at the playhead while playing or paused, else at the cursor."""
        entry, rows = self.rows_for_current()
        if entry is None:
            return None
        player = getattr(self.window, "player", None)
        live = player is not None and player.state is not PlaybackState.STOPPED
        at = player.position_frames() if live else entry.document.selection.start
        at = min(max(0, at), entry.document.frames)
        return self._add_label(entry, rows, at, at, text)

    def _add_label(self, entry, rows: LabelTierRows, start: int, end: int,
                   text: str | None) -> str | None:
        history = entry.history
        try:
            with history.compound("Add point label" if start == end else "Add label"):
                tier_id = rows.current_tier_id
                if tier_id is None:
                    add_tier = AddTierCommand(DEFAULT_TIER_NAME)
                    history.push(add_tier)
                    tier_id = add_tier.tier_id
                command = AddLabelCommand(tier_id, start, end, text or "")
                history.push(command)
        except EditError as exc:
            self._say(str(exc))
            return None
        rows.set_current(tier_id)
        if text is None:
            rows.views[tier_id].edit_text(command.label_id)
        return command.label_id

    # -- tiers --------------------------------------------------------------------------------------
    def _current_tier(self, tier_id: str | None):
        entry, rows = self.rows_for_current()
        if entry is None:
            return None, None
        tier_id = tier_id or rows.current_tier_id
        if tier_id is None:
            self._say("There is no label tier yet")
            return None, None
        return entry, tier_id

    def _ask_name(self, title: str, text: str, then) -> QInputDialog:
        dialog = QInputDialog(self.window)
        dialog.setWindowTitle(title)
        dialog.setLabelText("Name:")
        dialog.setTextValue(text)
        dialog.textValueSelected.connect(then)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    def add_tier(self, name: str | None = None) -> str | None:
        """Add a tier below the others (without `name`: ask for one); returns its id."""
        entry, rows = self.rows_for_current()
        if entry is None:
            return None
        if name is None:
            self._ask_name("New Tier", DEFAULT_TIER_NAME, lambda n: self.add_tier(n or "Tier"))
            return None
        command = AddTierCommand(name)
        if not self._push(command, entry):
            return None
        rows.set_current(command.tier_id)
        return command.tier_id

    def rename_tier(self, tier_id: str | None = None, name: str | None = None) -> None:
        entry, tier_id = self._current_tier(tier_id)
        if entry is None:
            return
        if name is None:
            old = entry.document.label_tiers[find_tier(entry.document.label_tiers, tier_id)].name
            self._ask_name("Rename Tier", old, lambda n: n and self.rename_tier(tier_id, n))
            return
        self._push(RenameTierCommand(tier_id, name), entry)

    def move_tier(self, delta: int, tier_id: str | None = None) -> None:
        """Move a tier `delta` places down (negative: up)."""
        entry, tier_id = self._current_tier(tier_id)
        if entry is None:
            return
        tiers = entry.document.label_tiers
        index = find_tier(tiers, tier_id) + delta
        if 0 <= index < len(tiers):
            self._push(MoveTierCommand(tier_id, index), entry)

    def delete_tier(self, tier_id: str | None = None) -> None:
        entry, tier_id = self._current_tier(tier_id)
        if entry is not None:
            self._push(DeleteTierCommand(tier_id), entry)

    def delete_label(self, tier_id: str, label_id: str) -> None:
        entry, _rows = self.rows_for_current()
        if entry is not None:
            self._push(DeleteLabelCommand(tier_id, label_id), entry)

    # -- files ---------------------------------------------------------------------------------------
    def import_labels(self, path: str | Path | None = None) -> bool:
        """Add the tiers of a label file (without `path`: ask for one) as one history step."""
        entry, _rows = self.rows_for_current()
        if entry is None:
            return False
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self.window, "Import Labels",
                                                  self.window.settings.last_directory,
                                                  LABEL_FILTER)
            if not name:
                return False
            path = name
        path = Path(path)
        try:
            tiers = import_labels(path, entry.document.sample_rate)
        except (OSError, LabelFormatError) as exc:
            self.window.errors.report(f"Cannot import labels from {path.name}", exc)
            return False
        return self._push(AddTiersCommand(tiers, f"Import labels from {path.name}"), entry)

    def export_labels(self, path: str | Path | None = None) -> bool:
        """Write the labels to a file; the suffix picks the format.

        Audacity files hold one tier, so .txt exports the current tier; the
        other formats take every tier.
        """
        entry, rows = self.rows_for_current()
        if entry is None:
            return False
        doc = entry.document
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self.window, "Export Labels",
                                                  str(Path(self.window.settings.last_directory
                                                           or ".") / "labels.TextGrid"),
                                                  LABEL_FILTER)
            if not name:
                return False
            path = name
        path = Path(path)
        tiers = doc.label_tiers
        try:
            if LabelFormat.for_path(path) is LabelFormat.AUDACITY and rows.current_tier_id:
                tiers = (tiers[find_tier(tiers, rows.current_tier_id)],)
            export_labels(path, tiers, doc.sample_rate, doc.frames)
        except (OSError, LabelFormatError) as exc:
            self.window.errors.report(f"Cannot export labels to {path.name}", exc)
            return False
        self._say(f"Exported labels to {path}")
        return True

    # -- context menu -----------------------------------------------------------------------------
    def context_menu(self, tier_id: str, label_id: str | None) -> QMenu:
        """The menu for a right click on a tier row (on a label, if `label_id`)."""
        menu = QMenu(self.window)
        entry, rows = self.rows_for_current()
        if label_id is not None and rows is not None:
            row = rows.views[tier_id]
            menu.addAction("Edit Text").triggered.connect(lambda: row.edit_text(label_id))
            menu.addAction("Delete Label").triggered.connect(
                lambda: self.delete_label(tier_id, label_id))
            menu.addSeparator()
        menu.addAction("Rename Tier…").triggered.connect(lambda: self.rename_tier(tier_id))
        menu.addAction("Move Tier Up").triggered.connect(lambda: self.move_tier(-1, tier_id))
        menu.addAction("Move Tier Down").triggered.connect(lambda: self.move_tier(1, tier_id))
        menu.addAction("Delete Tier").triggered.connect(lambda: self.delete_tier(tier_id))
        menu.addSeparator()
        menu.addAction("New Tier…").triggered.connect(lambda: self.add_tier())
        return menu

    def _on_rows_context_menu_requested(self, tier_id: str, label_id, screen_pos) -> None:
        menu = self.context_menu(tier_id, label_id)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(screen_pos)

    def _on_window_document_closed(self, entry) -> None:
        self.rows.pop(entry.view, None)

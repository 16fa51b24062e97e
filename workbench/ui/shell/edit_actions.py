"""The Edit and Effect menus, the history panel, the selection bar, and dirty titles.

Every action works on the current tab's document and pushes one named
command on that document's History (the one the model jobs use too), so
each edit can be undone.  Cut and copy keep a Clipboard shared by all open
documents, so audio pastes between them; audio at another sample rate is
resampled on the way in.  Resampling (the Change Sample Rate edit and such
pastes) runs as a job on the JobRunner, importing torch only inside the
worker.  Effects with parameters open an EffectDialog (with preview)
non-modally; the command is pushed when the dialog is accepted.  Effects on
a bare cursor apply to the whole file.

Shortcuts follow Audacity: Ctrl+Z / Ctrl+Shift+Z, Ctrl+X/C/V, Delete,
Ctrl+T trim, Ctrl+L silence, Ctrl+A select all, Esc select none.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMenu, QToolBar

from workbench.core.document.clipboard import Clipboard
from workbench.core.document.document import Document
from workbench.core.document.edit_commands import (
    CutCommand,
    DeleteCommand,
    InsertSilenceCommand,
    PasteCommand,
    TrimCommand,
)
from workbench.core.document.edits import EditError
from workbench.core.document.effects import ReverseCommand, SilenceCommand
from workbench.core.document.history import Command
from workbench.core.document.selection import Selection
from workbench.core.document.track_commands import (
    ChangeSampleRateCommand,
    MixToMonoCommand,
    SplitToMonoCommand,
)
from workbench.core.jobs import JobRequest
from workbench.runtime.job_runner import JobHandle
from workbench.runtime.torch_import import ensure_torch_imported
from workbench.ui.dialogs.effect_dialogs import (
    FadeDialog,
    GainDialog,
    InsertSilenceDialog,
    NormalizeDialog,
    ParameterDialog,
    SampleRateDialog,
)
from workbench.ui.event_subscription import subscribe_while_alive
from workbench.ui.panels.history_panel import HistoryPanel, budget_bytes
from workbench.ui.panels.selection_bar import SelectionBar
from workbench.ui.shell.label_actions import LabelActions

APP_TITLE = "Audio Workbench"
RESAMPLE_JOB_KIND = "resample"
MESSAGE_MS = 8000


def _resample_task(tracks, orig_rate: int, new_rate: int, cancel):
    """The resampling job; torch is imported here, off the GUI thread, never at window build."""
    ensure_torch_imported()  # never first on a pool thread: see runtime/torch_import.py
    from workbench.ml.resample import resample_tracks

    return (yield from resample_tracks(tracks, orig_rate, new_rate, cancel))


def document_title(entry) -> str:
    """The tab text of an open document: its name, with '*' when it has unsaved changes."""
    return entry.document.title + ("*" if entry.history.is_dirty else "")


class EditActions(QObject):
    """Editing for `window` (a MainWindow): menus, history dock, selection bar, titles.

    `labels` is the LabelActions (Labels menu, label rows) built alongside.

    GUI thread only.  Built once by the MainWindow after its own menus; it
    owns its actions, panels and the clipboard; documents and histories
    belong to the window's OpenDocument entries.  `last_dialog` is the dialog
    opened most recently (tests drive it).
    """

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.clipboard: Clipboard | None = None
        self.last_dialog: ParameterDialog | None = None
        self.snap_to_zero_crossings = False
        self.actions: dict[str, QAction] = {}
        self._build_panels()
        self._build_menus()
        window.loader.loaded.connect(self._on_loader_loaded)
        window.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self._follow_current()

    # -- construction ------------------------------------------------------------------
    def _build_panels(self) -> None:
        window = self.window
        self.history_panel = HistoryPanel()
        self.history_panel.set_budget_mb(window.settings.history_budget_mb)
        self.history_panel.budget_changed.connect(self._on_history_panel_budget_changed)
        self.history_dock = QDockWidget("History", window)
        self.history_dock.setObjectName("history")
        self.history_dock.setWidget(self.history_panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.history_dock)
        self.selection_bar = SelectionBar()
        self.selection_bar.snap_toggled.connect(self._on_selection_bar_snap_toggled)
        self.selection_bar.input_rejected.connect(self._say)
        toolbar = QToolBar("Selection", window)
        toolbar.setObjectName("selection")
        toolbar.addWidget(self.selection_bar)
        window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, toolbar)

    def _action(self, menu: QMenu, key: str, text: str, slot, shortcuts=()) -> QAction:
        action = QAction(text, self.window)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        self.actions[key] = action
        return action

    def _build_menus(self) -> None:
        bar = self.window.menuBar()
        after_file = bar.actions()[1] if len(bar.actions()) > 1 else None
        self.edit_menu = QMenu("&Edit", self.window)
        self.effect_menu = QMenu("Effe&ct", self.window)
        self.labels = LabelActions(self.window, self)  # the Labels menu and label rows
        for menu in (self.edit_menu, self.effect_menu, self.labels.menu):
            bar.insertMenu(after_file, menu)
        m = self.edit_menu
        self._action(m, "undo", "&Undo", self.undo, ["Ctrl+Z"])
        self._action(m, "redo", "&Redo", self.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
        m.addSeparator()
        self._action(m, "cut", "Cu&t", self.cut, ["Ctrl+X"])
        self._action(m, "copy", "&Copy", self.copy, ["Ctrl+C"])
        self._action(m, "paste", "&Paste", self.paste, ["Ctrl+V"])
        self._action(m, "delete", "&Delete", self.delete, ["Delete", "Backspace"])
        self._action(m, "trim", "Tri&m to Selection", self.trim, ["Ctrl+T"])
        self._action(m, "silence", "&Silence Selection", self.silence, ["Ctrl+L"])
        self._action(m, "insert_silence", "&Insert Silence…", self.insert_silence)
        m.addSeparator()
        self._action(m, "select_all", "Select &All", self.select_all, ["Ctrl+A"])
        self._action(m, "select_none", "Select &None", self.select_none, ["Esc"])
        m = self.effect_menu
        self._action(m, "gain", "&Gain…", lambda: self._open_effect(GainDialog))
        self._action(m, "normalize", "&Normalize…", lambda: self._open_effect(NormalizeDialog))
        self._action(m, "fade_in", "Fade &In…",
                     lambda: self._open_effect(functools.partial(FadeDialog, True)))
        self._action(m, "fade_out", "Fade &Out…",
                     lambda: self._open_effect(functools.partial(FadeDialog, False)))
        self._action(m, "reverse", "&Reverse", self.reverse)
        m.addSeparator()
        self._action(m, "resample", "Change Sample &Rate…", self.change_sample_rate)
        self._action(m, "mix_to_mono", "&Mix to Mono", lambda: self.push(MixToMonoCommand()))
        self._action(m, "split_to_mono", "&Split Stereo to Mono Tracks",
                     lambda: self.push(SplitToMonoCommand()))

    # -- following the documents ----------------------------------------------------------
    def _entry_for(self, document: Document):
        return next((e for e in self.window.open_documents if e.document is document), None)

    def _on_loader_loaded(self, document: Document) -> None:
        entry = self._entry_for(document)
        if entry is None:
            return
        entry.history.memory_budget = budget_bytes(self.window.settings.history_budget_mb)
        entry.view.snap_to_zero_crossings = self.snap_to_zero_crossings
        # Tied to the view: a closed tab's document may live on (clipboard, jobs).
        subscribe_while_alive(entry.view, entry.history.changed, self._on_history_changed)
        subscribe_while_alive(entry.view, document.selection_changed,
                              self._on_document_selection_changed)
        self._follow_current()

    def _on_tabs_current_changed(self, _index: int) -> None:
        self._follow_current()

    def _on_history_changed(self) -> None:
        self._update_titles()
        self._update_actions()

    def _on_document_selection_changed(self, _selection: Selection) -> None:
        self._update_actions()

    def _follow_current(self) -> None:
        entry = self.window.current_entry()
        self.history_panel.set_history(entry.history if entry else None)
        self.selection_bar.set_document(entry.document if entry else None)
        self._update_titles()
        self._update_actions()

    def _update_titles(self) -> None:
        tabs = self.window.tabs
        for entry in self.window.open_documents:
            index = tabs.indexOf(entry.view)
            if index >= 0:
                tabs.setTabText(index, document_title(entry))
        entry = self.window.current_entry()
        self.window.setWindowTitle(f"{document_title(entry)} — {APP_TITLE}" if entry
                                   else APP_TITLE)

    def _update_actions(self) -> None:
        entry = self.window.current_entry()
        history = entry.history if entry else None
        selected = entry is not None and not entry.document.selection.is_empty
        several = entry is not None and any(t.channels > 1 for t in entry.document.tracks)
        undo, redo = self.actions["undo"], self.actions["redo"]
        undo.setEnabled(bool(history and history.can_undo))
        redo.setEnabled(bool(history and history.can_redo))
        undo.setText(f"&Undo {history.undo_label}" if undo.isEnabled() else "&Undo")
        redo.setText(f"&Redo {history.redo_label}" if redo.isEnabled() else "&Redo")
        for key in ("cut", "copy", "delete", "trim", "silence"):
            self.actions[key].setEnabled(selected)
        self.actions["paste"].setEnabled(entry is not None and self.clipboard is not None)
        for key in ("insert_silence", "select_all", "select_none", "gain", "normalize",
                    "fade_in", "fade_out", "reverse", "resample"):
            self.actions[key].setEnabled(entry is not None)
        for key in ("mix_to_mono", "split_to_mono"):
            self.actions[key].setEnabled(several)

    # -- pushing commands -----------------------------------------------------------------
    def push(self, command: Command, entry=None) -> bool:
        """Push `command` on the document's history; an EditError goes to the status bar."""
        entry = entry or self.window.current_entry()
        if entry is None:
            self._say("Open a file first")
            return False
        try:
            entry.history.push(command)
        except EditError as exc:
            self._say(str(exc))
            return False
        return True

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, MESSAGE_MS)

    def _selection(self):
        entry = self.window.current_entry()
        return (entry, entry.document.selection) if entry else (None, None)

    def undo(self) -> None:
        entry = self.window.current_entry()
        if entry:
            entry.history.undo()

    def redo(self) -> None:
        entry = self.window.current_entry()
        if entry:
            entry.history.redo()

    # -- clipboard edits ------------------------------------------------------------------
    def cut(self) -> None:
        entry, sel = self._selection()
        if entry is None:
            return
        command = CutCommand(sel.start, sel.stop)
        if self.push(command, entry):
            self.clipboard = command.clipboard
            self._update_actions()

    def copy(self) -> None:
        entry, sel = self._selection()
        if entry is None:
            return
        try:
            self.clipboard = Clipboard.copy(entry.document, sel.start, sel.stop)
        except EditError as exc:
            self._say(str(exc))
            return
        self._say(f"Copied {sel.length / entry.document.sample_rate:.2f} s")
        self._update_actions()

    def paste(self) -> JobHandle | None:
        """Paste the clipboard over the selection; returns the resampling job if one is needed."""
        entry, sel = self._selection()
        clip = self.clipboard
        if entry is None or clip is None:
            self._say("Nothing to paste" if entry else "Open a file first")
            return None
        doc = entry.document
        if clip.sample_rate == doc.sample_rate:
            self.push(PasteCommand(clip, sel.start, sel.stop), entry)
            return None
        revision = doc.audio_revision
        handle = self._resample_job(list(clip.tracks), clip.sample_rate, doc.sample_rate,
                                    "clipboard")
        handle.finished.connect(lambda tracks: self._on_clipboard_resampled(
            entry, revision, clip, sel, tracks))
        return handle

    def _on_clipboard_resampled(self, entry, revision, clip, sel, tracks) -> None:
        doc = entry.document
        if entry not in self.window.open_documents:
            return
        if doc.audio_revision != revision:
            self._say("The audio changed while the clipboard was resampled; paste again")
            return
        self.push(PasteCommand(clip.resampled(tuple(tracks), doc.sample_rate), sel.start,
                               sel.stop), entry)

    # -- edits of the selection ---------------------------------------------------------------
    def delete(self) -> None:
        entry, sel = self._selection()
        if entry:
            self.push(DeleteCommand(sel.start, sel.stop), entry)

    def trim(self) -> None:
        entry, sel = self._selection()
        if entry:
            self.push(TrimCommand(sel.start, sel.stop), entry)

    def silence(self) -> None:
        entry, sel = self._selection()
        if entry:
            self.push(SilenceCommand(sel.start, sel.stop, sel.channels), entry)

    def reverse(self) -> None:
        entry, _sel = self._selection()
        if entry:
            start, stop, channels = self._effect_range(entry)
            self.push(ReverseCommand(start, stop, channels), entry)

    def insert_silence(self) -> InsertSilenceDialog | None:
        """Ask for a length and insert that much silence at the cursor (selection start)."""
        entry, sel = self._selection()
        if entry is None:
            return None
        rate = entry.document.sample_rate
        dialog = InsertSilenceDialog(rate, sel.length / rate if sel.length else 1.0,
                                     self.window)
        dialog.accepted.connect(lambda: self.push(
            InsertSilenceCommand(sel.start, dialog.frames()), entry))
        return self._open(dialog)

    def select_all(self) -> None:
        entry = self.window.current_entry()
        if entry:
            entry.document.select_all()

    def select_none(self) -> None:
        entry = self.window.current_entry()
        if entry:
            entry.document.select_none()

    # -- effects --------------------------------------------------------------------------------
    def _effect_range(self, entry) -> tuple[int, int, frozenset[int] | None]:
        sel = entry.document.selection
        if sel.is_empty:
            return 0, entry.document.frames, sel.channels
        return sel.start, sel.stop, sel.channels

    def _open_effect(self, dialog_class) -> ParameterDialog | None:
        entry = self.window.current_entry()
        if entry is None:
            return None
        start, stop, channels = self._effect_range(entry)
        dialog = dialog_class(entry.document, start, stop, channels,
                              getattr(self.window, "player", None), parent=self.window)
        dialog.accepted.connect(lambda: self.push(dialog.command(), entry))
        return self._open(dialog)

    def _open(self, dialog: ParameterDialog) -> ParameterDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_dialog = dialog
        dialog.open()
        return dialog

    def change_sample_rate(self, rate: int | None = None):
        """Resample the current document to `rate` Hz as a job (without a rate: ask first).

        Returns the job's handle, or the dialog when asking.
        """
        entry = self.window.current_entry()
        if entry is None:
            return None
        if rate is None:
            dialog = SampleRateDialog(entry.document.sample_rate, self.window)
            dialog.accepted.connect(lambda: self.change_sample_rate(dialog.rate()))
            return self._open(dialog)
        doc = entry.document
        revision = doc.audio_revision
        handle = self._resample_job([t.samples for t in doc.tracks], doc.sample_rate, rate,
                                    doc.title)
        handle.finished.connect(lambda tracks: self._on_document_resampled(
            entry, revision, rate, tracks))
        return handle

    def _on_document_resampled(self, entry, revision: int, rate: int, tracks) -> None:
        if entry not in self.window.open_documents:
            return
        if entry.document.audio_revision != revision:
            self._say("The audio changed while it was resampled; change the rate again")
            return
        self.push(ChangeSampleRateCommand(rate, tracks), entry)

    def _resample_job(self, tracks, orig_rate: int, new_rate: int, target: str) -> JobHandle:
        # torch work goes on the GPU lane, the one thread where torch is imported safely
        request = JobRequest(RESAMPLE_JOB_KIND, f"Resample to {new_rate} Hz", lane="gpu",
                             target=target)
        handle = self.window.runner.submit(
            request, functools.partial(_resample_task, tracks, orig_rate, new_rate))
        handle.failed.connect(lambda exc: self.window.errors.report(
            f"Cannot resample to {new_rate} Hz", exc))
        return handle

    # -- settings -------------------------------------------------------------------------------
    def _on_selection_bar_snap_toggled(self, on: bool) -> None:
        self.snap_to_zero_crossings = on
        for entry in self.window.open_documents:
            entry.view.snap_to_zero_crossings = on

    def _on_history_panel_budget_changed(self, megabytes: int) -> None:
        settings = self.window.settings
        settings.history_budget_mb = megabytes
        for entry in self.window.open_documents:
            entry.history.memory_budget = budget_bytes(megabytes)
        try:
            settings.save()
        except OSError as exc:
            self._say(f"Could not save settings: {exc}")

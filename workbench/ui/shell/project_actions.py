"""Projects in the File menu, autosave journals, and asking before unsaved work is lost.

- Open Project… (Ctrl+Shift+O) and Save Project As… (Ctrl+Shift+S) read and
  write .wbproj files (core/storage/project_file.py) as jobs on the runner.
- Save Project (Ctrl+S) writes the document's project.  A document opened
  from an audio file has none yet: Save then asks, explicitly, whether to
  overwrite that audio file with the edited audio or to save a project and
  leave the file alone; the original is never overwritten silently.
- Every open document gets a RecoveryJournal: each committed action is on
  disk before the next, so a crash loses at most the action in flight.  An
  explicit save empties the journal; closing a document discards it.
- Closing a document (or the window) with unsaved changes asks Save /
  Discard / Cancel (unsaved_guard.py).
- `offer_recovery` (called by app.py at start-up) offers what a crash left:
  see recovery_offer.py.

Documents opened or saved as projects take the project as their `path`, so
tabs and the title show the project's name.  A failed save reports the error
and changes nothing: the previous file stays, the document stays dirty and
editable.

GUI thread only.  Owned by the MainWindow; it owns the journals.  The file
dialogs and questions go through `choose_open_path`, `choose_save_path` and
`ask` (non-modal: it calls back with the answer), which tests replace.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog

from workbench.core.audio.audio_export import export_audio, supported_export_formats
from workbench.core.audio.audio_file import AudioFileInfo
from workbench.core.document.document import Document
from workbench.core.jobs import JobRequest
from workbench.core.storage.project_file import (
    PROJECT_SUFFIX,
    LoadedProject,
    ProjectSnapshot,
    load_project,
    write_project,
)
from workbench.core.storage.recovery_journal import RecoveryJournal
from workbench.core.storage.take_recovery import discard_take
from workbench.runtime.job_runner import JobHandle
from workbench.ui.dialogs.recovery_dialog import RecoveryDialog
from workbench.ui.shell.recovery_offer import RecoveryOffer
from workbench.ui.shell.unsaved_guard import CANCEL, UnsavedGuard, ask_with_message_box
from workbench.ui.timeline.view_state import apply_view_state, view_state

PROJECT_FILTER = f"Audio Workbench projects (*{PROJECT_SUFFIX});;All files (*)"
OVERWRITE, SAVE_PROJECT = "Overwrite Audio File", "Save Project…"
MESSAGE_MS = 8000


@dataclass
class DocumentFiles:
    """What ProjectActions keeps per open document."""

    journal: RecoveryJournal
    project_path: Path | None = None
    take_wav: Path | None = None  # opened from a recovered recording take


class ProjectActions(QObject):
    """File menu project actions and unsaved-work safety for `window` (a MainWindow)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.files: dict[Document, DocumentFiles] = {}
        self._arriving: dict[Document, dict] = {}  # set up for documents about to open
        self._arriving_paths: dict[Path, dict] = {}  # the same, for files being opened
        self.choose_open_path = self._open_file_dialog
        self.choose_save_path = self._save_file_dialog
        self.ask = ask_with_message_box(window)
        self.guard = UnsavedGuard(self)
        self.recovery = RecoveryOffer(self)
        self._build_menu()
        window.loader.loaded.connect(self._on_loader_loaded)

    def _build_menu(self) -> None:
        file_menu = self.window.menuBar().actions()[0].menu()
        before = next((a for a in file_menu.actions() if a.text().startswith("&Export")), None)
        self.actions: dict[str, QAction] = {}
        for key, text, slot, keys in (
                ("open_project", "Open &Project…", self.open_project_dialog, "Ctrl+Shift+O"),
                ("save", "&Save Project", self.save, QKeySequence.StandardKey.Save),
                ("save_as", "Save Project &As…", self.save_as, "Ctrl+Shift+S")):
            action = QAction(text, self.window)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _=False, s=slot: s())
            file_menu.insertAction(before, action)
            self.actions[key] = action
        file_menu.insertSeparator(before)

    # -- documents arriving and leaving ---------------------------------------------------
    def _on_loader_loaded(self, doc: Document) -> None:
        entry = next((e for e in self.window.open_documents if e.document is doc), None)
        if entry is None:
            return
        setup = self._arriving.pop(doc, None) or self._arriving_paths.pop(doc.path, {})
        recovered = setup.get("recovered")
        if recovered is not None or setup.get("take_wav"):
            entry.history.mark_unsaved()  # the work is not in any file the user chose
        journal = RecoveryJournal(
            doc, entry.history, project_path=setup.get("project_path"),
            directory=None if recovered is None else recovered.directory,
            resumed_keys=None if recovered is None else recovered.source_keys)
        journal.failed.connect(lambda exc: self._on_journal_failed(doc, exc))
        self.files[doc] = DocumentFiles(journal, setup.get("project_path"), setup.get("take_wav"))
        if "view_state" in setup:
            apply_view_state(entry.view, setup["view_state"])

    def expect(self, doc: Document, **setup) -> None:
        """Remember how a document about to be handed to the loader should be set up."""
        self._arriving[doc] = setup

    def expect_path(self, path: Path, **setup) -> None:
        """Like `expect`, for the document the loader will make of the file at `path`."""
        self._arriving_paths[path] = setup

    def _on_journal_failed(self, doc: Document, exc: OSError) -> None:
        self.window.errors.report(
            f"Autosave of {doc.title} stopped; save the document to keep your changes", exc)

    def may_close(self, entry) -> bool:
        """Whether `entry`'s tab may close now (see UnsavedGuard)."""
        return self.guard.may_close(entry)

    def may_quit(self) -> bool:
        """Whether the window may close now (see UnsavedGuard)."""
        return self.guard.may_quit()

    def forget(self, doc: Document) -> None:
        """Stop keeping `doc` safe: its journal and recovery data go (closed or discarded)."""
        files = self.files.pop(doc, None)
        if files is not None:
            files.journal.discard()

    # -- saving ------------------------------------------------------------------------------
    def save(self, entry=None, then=None) -> None:
        """Save the document where it belongs (see the module docstring); `then` runs after
        a successful save."""
        entry = entry or self.window.current_entry()
        if entry is None:
            return
        files = self.files.get(entry.document)
        info = entry.document.info
        if files is not None and files.project_path is not None:
            self.save_project(entry, files.project_path, then)
        elif isinstance(info, AudioFileInfo) and entry.document.path == info.path:
            self.ask("Save", f"“{info.path.name}” was opened as an audio file. Overwrite it "
                     "with the edited audio, or save a project and leave the file as it is?",
                     [OVERWRITE, SAVE_PROJECT, CANCEL],
                     lambda choice: self._on_save_answered(entry, choice, then))
        else:
            self.save_as(entry, then)

    def _on_save_answered(self, entry, choice: str | None, then) -> None:
        if choice == OVERWRITE:
            self.overwrite_audio(entry, then)
        elif choice == SAVE_PROJECT:
            self.save_as(entry, then)

    def save_as(self, entry=None, then=None) -> JobHandle | None:
        entry = entry or self.window.current_entry()
        if entry is None:
            return None
        doc = entry.document
        suggested = (doc.path or Path(self.window.settings.last_directory or ".") / "untitled")
        path = self.choose_save_path(suggested.with_suffix(PROJECT_SUFFIX))
        if path is None:
            return None
        path = Path(path)
        if path.suffix.lower() != PROJECT_SUFFIX:
            path = path.with_name(path.name + PROJECT_SUFFIX)
        return self.save_project(entry, path, then)

    def save_project(self, entry, path: Path, then=None) -> JobHandle:
        """Write `entry`'s document to the project at `path` as a job."""
        doc = entry.document
        snapshot = ProjectSnapshot.of(doc, view_state(entry.view))
        request = JobRequest("save", f"Save {path.name}", revision=doc.revision,
                             target=str(path))
        handle = self.window.runner.submit(
            request, lambda cancel: write_project(snapshot, path, cancel))
        handle.finished.connect(
            lambda _path: self._on_saved(entry, snapshot.revision, then, project_path=path))
        handle.failed.connect(
            lambda exc: self.window.errors.report(f"Cannot save {path.name}", exc))
        return handle

    def overwrite_audio(self, entry, then=None) -> JobHandle | None:
        """Replace the opened audio file by the edited audio (after the user confirmed)."""
        doc, info = entry.document, entry.document.info
        reason = _why_not_overwritable(doc, info)
        if reason:
            self.window.errors.warn("Cannot overwrite the audio file",
                                    f"{reason} Save a project or export the audio instead.")
            return None
        samples, rate, revision = doc.tracks[0].samples, doc.sample_rate, doc.revision
        request = JobRequest("export", f"Save {info.path.name}", revision=revision,
                             target=str(info.path))
        handle = self.window.runner.submit(request, lambda cancel: export_audio(
            samples, rate, info.path, info.format, info.subtype, cancel))
        handle.finished.connect(lambda report: self._on_audio_saved(entry, revision, then,
                                                                    report))
        handle.failed.connect(
            lambda exc: self.window.errors.report(f"Cannot save {info.path.name}", exc))
        return handle

    def _on_audio_saved(self, entry, revision: int, then, report) -> None:
        if report.clipped_samples:
            self.window.errors.warn("Samples clipped", f"{report.clipped_samples:,} samples "
                                    f"were beyond full scale and were clipped in "
                                    f"{report.path.name}.")
        self._on_saved(entry, revision, then)

    def _on_saved(self, entry, revision: int, then, project_path: Path | None = None) -> None:
        doc = entry.document
        files = self.files.get(doc)
        if files is None:
            return  # closed meanwhile
        if project_path is not None:
            files.project_path = files.journal.project_path = project_path
            doc.path = project_path
        if doc.revision == revision:
            files.journal.saved(project_path)
            entry.history.mark_saved()
            if files.take_wav is not None and project_path is not None:
                discard_take(files.take_wav)  # the recording now lives in the project
                files.take_wav = None
            self.window.statusBar().showMessage(f"Saved {doc.title}", MESSAGE_MS)
        else:
            self.window.statusBar().showMessage(
                f"Saved {doc.title}; changes made while saving are not in the file yet",
                MESSAGE_MS)
        if then is not None:
            then()

    # -- opening ------------------------------------------------------------------------------
    def open_project_dialog(self) -> None:
        path = self.choose_open_path()
        if path is not None:
            self.open_project(Path(path))

    def open_project(self, path: Path) -> JobHandle:
        """Open the project at `path` in a new tab (a job; errors go to the reporter)."""
        request = JobRequest("open", f"Open {path.name}", target=str(path))
        handle = self.window.runner.submit(request, lambda cancel: load_project(path, cancel))
        handle.finished.connect(self._on_project_loaded)
        handle.failed.connect(
            lambda exc: self.window.errors.report(f"Cannot open {path.name}", exc))
        return handle

    def _on_project_loaded(self, loaded: LoadedProject) -> None:
        doc = loaded.document
        doc.path = loaded.path
        self.expect(doc, project_path=loaded.path, view_state=loaded.view_state)
        self.window.loader.adopt(doc)

    def offer_recovery(self) -> RecoveryDialog | None:
        """Offer what a crash left behind (see RecoveryOffer); app.py calls it at start-up.

        Returns the dialog, or None when there was nothing to offer."""
        return self.recovery.offer()

    # -- dialogs (tests replace these) -------------------------------------------------------
    def _open_file_dialog(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.window, "Open Project",
                                              self.window.settings.last_directory,
                                              PROJECT_FILTER)
        return Path(name) if name else None

    def _save_file_dialog(self, suggested: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.window, "Save Project", str(suggested),
                                              PROJECT_FILTER)
        return Path(name) if name else None


def _why_not_overwritable(doc: Document, info) -> str | None:
    if not isinstance(info, AudioFileInfo):
        return "The document was not opened from an audio file."
    if len(doc.tracks) != 1:
        return f"The document has {len(doc.tracks)} tracks; an audio file holds one."
    formats = supported_export_formats()
    if info.subtype not in formats.get(info.format, ()):
        return (f"{info.path.name} is {info.format} {info.subtype}, which the workbench "
                "cannot write.")
    return None

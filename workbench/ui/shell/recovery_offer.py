"""Start-up recovery: offer what a crash left behind, then do what the user chose.

Two kinds of items: documents with unsaved changes, from recovery journals
(core/storage/recovery.py), and recordings that never finished, from the takes
folder (core/storage/take_recovery.py).  Recover opens the item in a new tab, marked
unsaved; its recovery data stays until it is saved (or discarded when the
tab is closed).  Discard deletes the recovery data: what the user saved last
is left exactly as it was.  Later leaves everything for the next start.
Damaged journals are set aside by the scan and reported in one message;
they never stop the start.

GUI thread only.  Owned by ProjectActions, whose `expect` sets up the
documents this opens.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from workbench.core.storage.journal_format import JournalCorruptError
from workbench.core.storage.recovery import (
    RecoveryError,
    discard_recovery,
    find_recoverable,
    recover_document,
    set_aside_journal,
)
from workbench.core.storage.take_recovery import (
    TakeSidecar,
    discard_take,
    find_unfinished_takes,
    recover_take,
)
from workbench.ui.dialogs.recovery_dialog import DISCARD, RECOVER, RecoveryDialog, RecoveryItem


class RecoveryOffer:
    """Finds recoverable work, shows a RecoveryDialog, carries out the choices."""

    def __init__(self, actions) -> None:
        self.actions = actions
        self.window = actions.window
        self.dialog: RecoveryDialog | None = None

    def offer(self) -> RecoveryDialog | None:
        """Show the dialog (non-modally) if there is anything to recover; returns it."""
        documents, set_aside = find_recoverable()
        if set_aside:
            self.window.errors.warn("Recovery data set aside",
                                    "\n\n".join(a.message for a in set_aside))
        items = [RecoveryItem(document=d) for d in documents]
        items += [RecoveryItem(take=t) for t in find_unfinished_takes()]
        if not items:
            return None
        dialog = RecoveryDialog(items, self.window)
        dialog.finished.connect(lambda _code: self._carry_out(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _carry_out(self, dialog: QDialog) -> None:
        for item, choice in dialog.choices():
            if item.document is not None:
                if choice == RECOVER:
                    self._recover_document(item)
                elif choice == DISCARD:
                    discard_recovery(item.document.directory)
            elif item.take is not None:
                if choice == RECOVER:
                    self._recover_take(item.take)
                elif choice == DISCARD:
                    discard_take(item.take.wav_path)

    def _recover_document(self, item: RecoveryItem) -> None:
        offered = item.document
        try:
            recovered = recover_document(offered.directory)
        except RecoveryError as exc:
            self.window.errors.report(f"Cannot recover {offered.title}", exc)
            return  # kept: offered again next time, or discarded by the user then
        except JournalCorruptError as exc:
            aside = set_aside_journal(offered.directory, exc.reason)
            self.window.errors.report(f"Cannot recover {offered.title}",
                                      JournalCorruptError(aside.moved_to, exc.reason))
            return
        self.actions.expect(recovered.document, recovered=recovered,
                            project_path=recovered.project_path)
        self.window.loader.adopt(recovered.document)

    def _recover_take(self, sidecar: TakeSidecar) -> None:
        try:
            take = recover_take(sidecar)
        except (OSError, ValueError) as exc:
            self.window.errors.report(f"Cannot recover {sidecar.wav_path.name}", exc)
            return
        self.actions.expect_path(take.path, take_wav=take.path)
        self.window.open_paths([take.path])

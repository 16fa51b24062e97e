"""Undo history: named commands, grouped steps, merged drags, a save point.

Every change to a document (edits, label changes, applied model results) is a
`Command` pushed on the document's one `History`.  A command remembers only
what it changed (for audio: the replaced blocks and the new blocks), so undo
and redo of any edit cost O(blocks), never O(samples).

The design follows Sonic Visualiser's CommandHistory: commands have a name for
the Undo menu and the history panel, `with history.compound(name)` turns
several steps into one entry, and a drag pushes many small commands that
merge into the entry the drag started (`push(cmd, merge=True)`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from workbench.core.events import Event

if TYPE_CHECKING:
    from workbench.core.document.document import Document

DEFAULT_MEMORY_BUDGET = 1 << 30  # bytes of new samples the history may keep alive


class Command(ABC):
    """One undoable change.

    `do(doc)` applies it (the first call may compute and keep its result, so a
    redo reproduces the same bits) and `undo(doc)` reverses it; the history
    guarantees that `undo` only runs right after `do` and `do` again only
    right after `undo`.  `label` names the step for the user ("Cut 0.50–1.20 s");
    some commands refine it during their first `do`, when they know the
    document.  `size_bytes` is the memory of new samples the command keeps
    alive (shared blocks do not count); the history drops old entries when the
    sum outgrows its budget.
    """

    label: str = ""

    @property
    def size_bytes(self) -> int:
        return 0

    @abstractmethod
    def do(self, doc: Document) -> None: ...

    @abstractmethod
    def undo(self, doc: Document) -> None: ...

    def merge(self, newer: Command) -> bool:
        """Absorb `newer`, which has just been done after this command; False if unable.

        After a successful merge, undoing this command must undo both.  Commands
        that take part in drags (moving a label edge) override this.
        """
        return False


class CompoundCommand(Command):
    """Several commands applied in order, undone in reverse, shown as one entry."""

    def __init__(self, label: str, commands: Sequence[Command] = ()) -> None:
        self.label = label
        self.commands: list[Command] = list(commands)

    @property
    def size_bytes(self) -> int:
        return sum(c.size_bytes for c in self.commands)

    def do(self, doc: Document) -> None:
        for command in self.commands:
            command.do(doc)

    def undo(self, doc: Document) -> None:
        for command in reversed(self.commands):
            command.undo(doc)


class History:
    """The undo stack of one document: entries, a current position and a save point.

    Entries [0, index) are applied; entries from `index` on can be redone.
    Unlimited steps are kept, bounded by `memory_budget` bytes of new samples:
    beyond it the oldest entries are forgotten (the newest is always kept).

    Owned by the GUI thread, like its document.  `changed` is emitted (with no
    arguments) after anything a history panel or the Undo menu shows has
    changed: entries, index, or dirty state.
    """

    def __init__(self, document: Document, memory_budget: int | None = DEFAULT_MEMORY_BUDGET):
        self.document = document
        self.memory_budget = memory_budget
        self.changed = Event()
        self._entries: list[Command] = []
        self._index = 0
        self._saved: int | None = 0  # None: the saved state is no longer reachable
        self._open: list[CompoundCommand] = []  # compounds being built, innermost last
        self._busy = False
        self._merge_sealed = True  # a merge may only extend the entry pushed last

    # -- what a panel shows -------------------------------------------------
    @property
    def labels(self) -> list[str]:
        """The names of all entries, oldest first."""
        return [c.label for c in self._entries]

    @property
    def entries(self) -> tuple[Command, ...]:
        return tuple(self._entries)

    @property
    def index(self) -> int:
        """How many entries are applied: 0 is the oldest state kept, len(entries) the newest."""
        return self._index

    @property
    def can_undo(self) -> bool:
        return self._index > 0 and not self._open

    @property
    def can_redo(self) -> bool:
        return self._index < len(self._entries) and not self._open

    @property
    def undo_label(self) -> str | None:
        """Name of the step Undo would reverse ("Cut 0.50–1.20 s"), or None."""
        return self._entries[self._index - 1].label if self.can_undo else None

    @property
    def redo_label(self) -> str | None:
        return self._entries[self._index].label if self.can_redo else None

    @property
    def size_bytes(self) -> int:
        """Memory of new samples the kept entries hold on to."""
        return sum(c.size_bytes for c in self._entries)

    # -- changing the document ----------------------------------------------
    def push(self, command: Command, merge: bool = False) -> None:
        """Do `command` on the document and record it.

        With `merge=True` the history first offers it to the entry pushed just
        before (`Command.merge`), so that the steps of one drag become one entry;
        a drag's first step is pushed without `merge`.  If `do` raises, nothing
        is recorded and the exception propagates (commands check their
        arguments before they change anything).
        """
        self._check_idle()
        # Listeners hear about the document only once the entry is recorded, so
        # one that reacts by pushing a command of its own finds a consistent history.
        with self.document.batch():
            self._run(command.do)
            recorded = self._file(command, merge)
        if recorded:
            self.changed.emit()

    def _file(self, command: Command, merge: bool) -> bool:
        """Put a done command into the open compound, the last entry, or a new entry.

        Returns whether the entries changed.
        """
        if self._open:
            compound = self._open[-1]
            if not (merge and compound.commands and compound.commands[-1].merge(command)):
                compound.commands.append(command)
            return False
        if merge and not self._merge_sealed and self._index == len(self._entries) \
                and self._index > 0 and self._entries[-1].merge(command):
            if self._saved == self._index:
                self._saved = None  # the saved state was the one before this merge
            return True
        self._record(command)
        return True

    @contextmanager
    def compound(self, label: str) -> Iterator[CompoundCommand]:
        """Group every push inside the block into one entry named `label`.

        Steps are applied as they are pushed; listeners hear about the document
        once, at the end.  If the block raises, the steps done so far are undone
        and the exception propagates.  Nested compounds fold into the outer one.
        An empty block records nothing.
        """
        self._check_idle()
        compound = CompoundCommand(label)
        self._open.append(compound)
        recorded = False
        with self.document.batch():
            try:
                yield compound
            except BaseException:
                self._open.pop()
                self._run(compound.undo)
                raise
            self._open.pop()
            if compound.commands:
                if self._open:
                    self._open[-1].commands.append(compound)
                else:
                    self._record(compound)
                    recorded = True
        if recorded:
            self.changed.emit()

    def undo(self) -> None:
        """Reverse the last applied entry (no-op if there is none)."""
        if self.can_undo:
            self.goto(self._index - 1)

    def redo(self) -> None:
        """Apply the next entry again (no-op if there is none)."""
        if self.can_redo:
            self.goto(self._index + 1)

    def goto(self, index: int) -> None:
        """Undo or redo until exactly `index` entries are applied (history panel clicks)."""
        self._check_idle()
        if self._open:
            raise RuntimeError("cannot undo or redo while a compound step is being built")
        if not 0 <= index <= len(self._entries):
            raise IndexError(f"history index {index} outside 0..{len(self._entries)}")
        if index == self._index:
            return
        with self.document.batch():
            while self._index > index:
                self._run(self._entries[self._index - 1].undo)
                self._index -= 1
            while self._index < index:
                self._run(self._entries[self._index].do)
                self._index += 1
            self._merge_sealed = True
        self.changed.emit()

    # -- save point ---------------------------------------------------------------
    def mark_saved(self) -> None:
        """Remember the current state as the one on disk."""
        self._saved = self._index
        self.changed.emit()

    def mark_unsaved(self) -> None:
        """Say that no state this history can reach is the one on disk (a recovered document)."""
        self._saved = None
        self.changed.emit()

    @property
    def is_dirty(self) -> bool:
        """Whether the document differs from the state last marked saved."""
        return self._saved != self._index

    def clear(self) -> None:
        """Forget all entries; the current state becomes the oldest one (dirty stays as is)."""
        self._check_idle()
        dirty = self.is_dirty
        self._entries, self._index = [], 0
        self._saved = None if dirty else 0
        self._merge_sealed = True
        self.changed.emit()

    # -- internals ---------------------------------------------------------------------
    def _record(self, command: Command) -> None:
        del self._entries[self._index:]
        if self._saved is not None and self._saved > self._index:
            self._saved = None  # the saved state was on the branch just discarded
        self._entries.append(command)
        self._index += 1
        self._merge_sealed = False
        self._enforce_budget()

    def _enforce_budget(self) -> None:
        if self.memory_budget is None:
            return
        total = self.size_bytes
        drop = 0
        while total > self.memory_budget and drop < len(self._entries) - 1:
            total -= self._entries[drop].size_bytes
            drop += 1
        if drop:
            del self._entries[:drop]
            self._index -= drop
            if self._saved is not None:
                self._saved = self._saved - drop if self._saved >= drop else None

    def _run(self, step) -> None:
        self._busy = True
        try:
            step(self.document)
        finally:
            self._busy = False

    def _check_idle(self) -> None:
        if self._busy:
            raise RuntimeError("a command tried to change the history while it was running")

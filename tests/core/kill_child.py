"""A child process for the kill -9 tests: edits a document with a journal until killed.

    python -m tests.core.kill_child SEED WAV LOG

After each committed action it appends the action's number to LOG, so the
parent knows which actions had returned (and thus were journaled) when it
killed the process.  The actions are a pure function of SEED and the
document, so the parent can replay them (`replayed_states`).
"""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable
from pathlib import Path

from tests.core.project_docs import opened_document
from workbench.core.document.document import Document, Track
from workbench.core.document.edit_commands import (
    CutCommand,
    DeleteCommand,
    InsertSilenceCommand,
    PasteCommand,
)
from workbench.core.document.effects import GainCommand, ReverseCommand
from workbench.core.document.history import History
from workbench.core.document.label_commands import AddLabelCommand, AddTierCommand
from workbench.core.storage.recovery_journal import RecoveryJournal

MAX_ACTIONS = 400


class Editor:
    """Random edits, the same for the same seed and starting document."""

    def __init__(self, doc: Document, history: History, seed: int) -> None:
        self.doc, self.history = doc, history
        self.rng = random.Random(seed)
        self.clipboard = None
        tier = AddTierCommand("notes")
        self.tier_id = tier.tier_id
        self.first = tier

    def span(self) -> tuple[int, int]:
        a = self.rng.randrange(0, max(1, self.doc.frames - 1))
        return a, min(self.doc.frames, a + self.rng.randrange(1, max(2, self.doc.frames // 3)))

    def next_action(self) -> Callable[[], None]:
        h, choice = self.history, self.rng.randrange(9)
        if choice == 0 or self.doc.frames < 100:
            return lambda: h.push(InsertSilenceCommand(self.doc.frames // 2, 2000))
        a, b = self.span()
        if choice == 1:
            cut = CutCommand(a, b)
            return lambda: (h.push(cut), setattr(self, "clipboard", cut.clipboard))
        if choice == 2 and self.clipboard is not None:
            return lambda: h.push(PasteCommand(self.clipboard, a))
        if choice in (2, 3):
            return lambda: h.push(GainCommand(a, b, self.rng.uniform(-6, 6)))
        if choice == 4:
            return lambda: h.push(ReverseCommand(a, b))
        if choice == 5:
            return lambda: h.push(AddLabelCommand(self.tier_id, a, b, f"label {a}"))
        if choice == 6:
            return lambda: h.push(DeleteCommand(a, b))
        # The first entry adds the tier labels go to; it stays.
        return h.undo if choice == 7 and h.index > 1 else h.redo


def snapshot(doc: Document) -> Document:
    copy = Document([Track(t.name, t.samples) for t in doc.tracks], doc.sample_rate,
                    doc.path, doc.info, doc.label_tiers)
    copy.set_selection(doc.selection)
    return copy


def replayed_states(seed: int, wav: Path, count: int) -> list[Document]:
    """The document after 0..count actions of the child with this seed (0: the opened file)."""
    doc = opened_document(wav)
    history = History(doc)
    editor = Editor(doc, history, seed)
    states = [snapshot(doc)]
    history.push(editor.first)
    states.append(snapshot(doc))
    while len(states) <= count:
        editor.next_action()()
        states.append(snapshot(doc))
    return states


def main(seed: int, wav: Path, log: Path) -> None:
    doc = opened_document(wav)
    history = History(doc)
    RecoveryJournal(doc, history)
    editor = Editor(doc, history, seed)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    history.push(editor.first)
    os.write(fd, b"1\n")
    for number in range(2, MAX_ACTIONS):
        editor.next_action()()
        os.write(fd, f"{number}\n".encode())


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))

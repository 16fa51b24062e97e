"""Undoable changes to label tiers: add, edit, move, delete labels; add, rename, move tiers.

Labels and tiers are immutable (labels.py), so a command keeps the tuple of
tiers before and after; they share every untouched label.  New labels and
tiers get their ids when the command is built, so a redo brings back the very
same ids the GUI may still hold.  Dragging a label edge and typing its text
push many commands with `merge=True`, which fold into one history entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from workbench.core.document.document import Document
from workbench.core.document.edits import EditError
from workbench.core.document.history import Command
from workbench.core.labels.labels import Label, LabelTier, Tiers, find_tier


def _quoted(text: str, limit: int = 24) -> str:
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"'{short}'"


class TierEditCommand(Command):
    """Base: subclasses compute the new tiers from the current ones in `change`."""

    label = "Edit labels"

    def __init__(self) -> None:
        self._before: Tiers | None = None
        self._after: Tiers | None = None

    def change(self, doc: Document, tiers: Tiers) -> Tiers:
        """The tiers after this command; raise EditError if it cannot apply."""
        raise NotImplementedError

    def do(self, doc: Document) -> None:
        if self._after is None:
            try:
                after = self.change(doc, doc.label_tiers)
            except KeyError as exc:
                raise EditError(f"{self.label}: {exc.args[0]}") from None
            self._before, self._after = doc.label_tiers, after
        doc.set_label_tiers(self._after)

    def undo(self, doc: Document) -> None:
        assert self._before is not None, "undo before do"
        doc.set_label_tiers(self._before)

    def _absorb(self, newer: TierEditCommand) -> None:
        # `newer` was done right after this command, so its result is the state now.
        self._after = newer._after


def _check_span(doc: Document, start: int, end: int, what: str) -> None:
    if not 0 <= start <= end <= doc.frames:
        raise EditError(f"{what}: {start}..{end} is not a range inside the audio "
                        f"(0..{doc.frames} frames)")


# -- tiers -------------------------------------------------------------------------

class AddTierCommand(TierEditCommand):
    """Add an empty tier named `name` at `index` (None: at the bottom)."""

    def __init__(self, name: str, index: int | None = None) -> None:
        super().__init__()
        self.tier = LabelTier(name)
        self.index = index
        self.label = f"Add tier {_quoted(name)}"

    @property
    def tier_id(self) -> str:
        return self.tier.id

    def change(self, doc: Document, tiers: Tiers) -> Tiers:
        index = len(tiers) if self.index is None else self.index
        if not 0 <= index <= len(tiers):
            raise EditError(f"{self.label}: position {index} outside 0..{len(tiers)}")
        return tiers[:index] + (self.tier,) + tiers[index:]


class AddTiersCommand(TierEditCommand):
    """Append ready-made tiers (imported from a file, or found by a model)."""

    def __init__(self, tiers: Sequence[LabelTier], label: str = "Import labels") -> None:
        super().__init__()
        self.tiers = tuple(tiers)
        self.label = label

    def change(self, doc: Document, tiers: Tiers) -> Tiers:
        if not self.tiers:
            raise EditError(f"{self.label}: there are no label tiers to add")
        for tier in self.tiers:
            for lab in tier.labels:
                _check_span(doc, lab.start, lab.end, f"{self.label}, tier {_quoted(tier.name)}")
        return tiers + self.tiers


class DeleteTierCommand(TierEditCommand):
    """Remove a tier and all its labels."""

    def __init__(self, tier_id: str) -> None:
        super().__init__()
        self.tier_id = tier_id
        self.label = "Delete tier"

    def change(self, doc: Document, tiers: Tiers) -> Tiers:
        i = find_tier(tiers, self.tier_id)
        self.label = f"Delete tier {_quoted(tiers[i].name)}"
        return tiers[:i] + tiers[i + 1:]


class RenameTierCommand(TierEditCommand):
    def __init__(self, tier_id: str, name: str) -> None:
        super().__init__()
        self.tier_id, self.name = tier_id, name
        self.label = f"Rename tier to {_quoted(name)}"

    def change(self, doc: Document, tiers: Tiers) -> Tiers:
        i = find_tier(tiers, self.tier_id)
        return tiers[:i] + (tiers[i].renamed(self.name),) + tiers[i + 1:]


class MoveTierCommand(TierEditCommand):
    """Move a tier to position `index` among the tiers (reordering)."""

    def __init__(self, tier_id: str, index: int) -> None:
        super().__init__()
        self.tier_id, self.index = tier_id, index
        self.label = "Move tier"

    def change(self, doc: Document, tiers: Tiers) -> Tiers:
        i = find_tier(tiers, self.tier_id)
        if not 0 <= self.index < len(tiers):
            raise EditError(f"Move tier: position {self.index} outside 0..{len(tiers) - 1}")
        self.label = f"Move tier {_quoted(tiers[i].name)}"
        rest = tiers[:i] + tiers[i + 1:]
        return rest[: self.index] + (tiers[i],) + rest[self.index:]


# -- labels ---------------------------------------------------------------------------

def _with_tier(tiers: Tiers, index: int, tier: LabelTier) -> Tiers:
    return tiers[:index] + (tier,) + tiers[index + 1:]


class AddLabelCommand(TierEditCommand):
    """Add a region [start, end) to a tier, or a point at `start` when `end` is None or equal.

    To label the selection: `AddLabelCommand(tier_id, sel.start, sel.stop)`;
    an empty selection makes a point label at the cursor.
    """

    def __init__(self, tier_id: str, start: int, end: int | None = None, text: str = "") -> None:
        super().__init__()
        self.tier_id = tier_id
        self.new_label = Label(start, start if end is None else end, text)
        self.label = "Add point label" if self.new_label.is_point else "Add label"

    @property
    def label_id(self) -> str:
        return self.new_label.id

    def change(self, doc: Document, tiers: Tiers) -> Tiers:
        _check_span(doc, self.new_label.start, self.new_label.end, self.label)
        i = find_tier(tiers, self.tier_id)
        return _with_tier(tiers, i, tiers[i].with_label(self.new_label))


class _LabelChange(TierEditCommand):
    """A change to one existing label; merges with the next change of the same label."""

    def __init__(self, tier_id: str, label_id: str) -> None:
        super().__init__()
        self.tier_id, self.label_id = tier_id, label_id

    def changed_label(self, doc: Document, old: Label) -> Label:
        raise NotImplementedError

    def change(self, doc: Document, tiers: Tiers) -> Tiers:
        i = find_tier(tiers, self.tier_id)
        new = self.changed_label(doc, tiers[i].find(self.label_id))
        return _with_tier(tiers, i, tiers[i].with_replaced(new))

    def merge(self, newer: Command) -> bool:
        if type(newer) is not type(self) or not isinstance(newer, _LabelChange):
            return False
        if (newer.tier_id, newer.label_id) != (self.tier_id, self.label_id):
            return False
        self._absorb(newer)
        return True


class SetLabelTextCommand(_LabelChange):
    """Change a label's text (typing pushes one per keystroke with merge=True)."""

    def __init__(self, tier_id: str, label_id: str, text: str) -> None:
        super().__init__(tier_id, label_id)
        self.text = text
        self.label = "Edit label text"

    def changed_label(self, doc: Document, old: Label) -> Label:
        return replace(old, text=self.text)


class MoveLabelCommand(_LabelChange):
    """Give a label new boundaries (dragging an edge or the whole label).

    Setting start == end turns a region into a point and the other way round.
    """

    def __init__(self, tier_id: str, label_id: str, start: int, end: int) -> None:
        super().__init__(tier_id, label_id)
        self.start, self.end = start, end
        self.label = "Move label"

    def changed_label(self, doc: Document, old: Label) -> Label:
        _check_span(doc, self.start, self.end, self.label)
        return replace(old, start=self.start, end=self.end)


class DeleteLabelCommand(TierEditCommand):
    def __init__(self, tier_id: str, label_id: str) -> None:
        super().__init__()
        self.tier_id, self.label_id = tier_id, label_id
        self.label = "Delete label"

    def change(self, doc: Document, tiers: Tiers) -> Tiers:
        i = find_tier(tiers, self.tier_id)
        text = tiers[i].find(self.label_id).text
        if text:
            self.label = f"Delete label {_quoted(text)}"
        return _with_tier(tiers, i, tiers[i].without(self.label_id))

"""Label tiers: named rows of point and region labels at exact frame positions.

Labels and tiers are immutable values; a change builds a new tier that shares
the untouched labels, so an undo entry only keeps the tuples it replaced.  The
document holds a tuple of tiers (see `Document.label_tiers`); commands in
label_commands.py change it.

The module also holds the rules by which labels follow the audio when an edit
changes its length (`labels_after_delete`, `labels_after_insert`,
`labels_after_rescale`) and the rules for copying and pasting labels.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace


def new_id() -> str:
    """A fresh identifier for a label or tier; unique across sessions and files."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Label:
    """A point (start == end) or a region [start, end) in frames, with text.

    `id` stays the same when the label is moved, edited, or brought back by undo.
    """

    start: int
    end: int
    text: str = ""
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"a label needs 0 <= start <= end, got {self.start}..{self.end}")

    @property
    def is_point(self) -> bool:
        return self.start == self.end


def _ordered(labels: Iterable[Label]) -> tuple[Label, ...]:
    # Stable, so labels at the same position keep the order they were added in.
    return tuple(sorted(labels, key=lambda lab: (lab.start, lab.end)))


@dataclass(frozen=True)
class LabelTier:
    """A named row of labels, kept in order of (start, end)."""

    name: str
    labels: tuple[Label, ...] = ()
    id: str = field(default_factory=new_id)

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", _ordered(self.labels))

    def find(self, label_id: str) -> Label:
        """The label with this id; KeyError if the tier has none."""
        for label in self.labels:
            if label.id == label_id:
                return label
        raise KeyError(f"tier '{self.name}' has no label with id {label_id}")

    def with_label(self, label: Label) -> LabelTier:
        """This tier plus `label`."""
        return replace(self, labels=self.labels + (label,))

    def without(self, label_id: str) -> LabelTier:
        """This tier minus the label with `label_id` (KeyError if absent)."""
        self.find(label_id)
        return replace(self, labels=tuple(lab for lab in self.labels if lab.id != label_id))

    def with_replaced(self, label: Label) -> LabelTier:
        """This tier with the label of the same id replaced by `label`."""
        self.find(label.id)
        return replace(self, labels=tuple(label if lab.id == label.id else lab
                                          for lab in self.labels))

    def renamed(self, name: str) -> LabelTier:
        return replace(self, name=name)

    def mapped(self, fn: Callable[[Label], Label | None]) -> LabelTier:
        """A tier with every label replaced by fn(label); None drops it.  Self if unchanged."""
        out = [fn(lab) for lab in self.labels]
        kept = tuple(lab for lab in out if lab is not None)
        if len(kept) == len(self.labels) and all(a is b for a, b in zip(kept, self.labels,
                                                                          strict=True)):
            return self
        return replace(self, labels=kept)


Tiers = tuple[LabelTier, ...]


def find_tier(tiers: Tiers, tier_id: str) -> int:
    """Index of the tier with `tier_id`; KeyError if there is none."""
    for i, tier in enumerate(tiers):
        if tier.id == tier_id:
            return i
    raise KeyError(f"no label tier with id {tier_id}")


# -- labels following the audio -----------------------------------------------

def labels_after_delete(tiers: Tiers, start: int, stop: int) -> Tiers:
    """Labels after frames [start, stop) were removed from the audio.

    Positions at or after `stop` move left by the removed length; a region
    reaching into the removed range is shortened; a region wholly inside it
    and a point in [start, stop) are removed.
    """
    length = stop - start
    if length <= 0:
        return tiers

    def at(x: int) -> int:
        return x if x <= start else (start if x < stop else x - length)

    def follow(lab: Label) -> Label | None:
        if lab.end < start:
            return lab
        if lab.is_point:
            return None if lab.start < stop else replace(lab, start=at(lab.start),
                                                         end=at(lab.end))
        new_start, new_end = at(lab.start), at(lab.end)
        if new_start == new_end:
            return None
        if (new_start, new_end) == (lab.start, lab.end):
            return lab
        return replace(lab, start=new_start, end=new_end)

    return tuple(tier.mapped(follow) for tier in tiers)


def labels_after_insert(tiers: Tiers, at: int, length: int) -> Tiers:
    """Labels after `length` frames were inserted at frame `at`.

    Starts (and points) at or after `at` move right; a region that spans `at`
    grows; a region that ends exactly at `at` stays as it is.
    """
    if length <= 0:
        return tiers

    def follow(lab: Label) -> Label:
        new_start = lab.start + length if lab.start >= at else lab.start
        if lab.is_point:
            new_end = new_start
        else:
            new_end = lab.end + length if lab.end > at else lab.end
        if (new_start, new_end) == (lab.start, lab.end):
            return lab
        return replace(lab, start=new_start, end=new_end)

    return tuple(tier.mapped(follow) for tier in tiers)


def rescale_position(frame: int, old_rate: int, new_rate: int) -> int:
    """`frame` at `old_rate` as the nearest frame at `new_rate` (halves round up)."""
    return (frame * new_rate + old_rate // 2) // old_rate


def labels_after_rescale(tiers: Tiers, old_rate: int, new_rate: int, frames: int) -> Tiers:
    """Labels after the audio was resampled; positions are clamped to `frames`.

    A region shorter than one frame at the new rate becomes a point.
    """
    def follow(lab: Label) -> Label:
        new_start = min(frames, rescale_position(lab.start, old_rate, new_rate))
        new_end = min(frames, rescale_position(lab.end, old_rate, new_rate))
        return replace(lab, start=new_start, end=new_end)

    return tuple(tier.mapped(follow) for tier in tiers)


# -- copy and paste -------------------------------------------------------------

def labels_in_range(tiers: Tiers, start: int, stop: int) -> Tiers:
    """The labels a cut of [start, stop) takes along, relative to `start`.

    Points in [start, stop) and the part of each region inside the range; only
    tiers that have some.  Tier names are kept; ids are fresh.
    """
    out = []
    for tier in tiers:
        taken = []
        for lab in tier.labels:
            if lab.is_point:
                if start <= lab.start < stop:
                    taken.append(Label(lab.start - start, lab.start - start, lab.text))
            else:
                a, b = max(lab.start, start), min(lab.end, stop)
                if a < b:
                    taken.append(Label(a - start, b - start, lab.text))
        if taken:
            out.append(LabelTier(tier.name, tuple(taken)))
    return tuple(out)


def labels_pasted(tiers: Tiers, pasted: Tiers, at: int) -> Tiers:
    """`tiers` plus the labels of `pasted` moved to start at frame `at`.

    Pasted labels go into the first tier with the same name, or into a new tier
    appended at the end.  They get fresh ids, so pasting twice makes two labels.
    """
    result = list(tiers)
    for src in pasted:
        moved = tuple(Label(lab.start + at, lab.end + at, lab.text) for lab in src.labels)
        index = next((i for i, t in enumerate(result) if t.name == src.name), None)
        if index is None:
            result.append(LabelTier(src.name, moved))
        else:
            result[index] = replace(result[index], labels=result[index].labels + moved)
    return tuple(result)

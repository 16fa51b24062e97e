"""The "classes" label tier: a classification's segments as ordinary region labels.

Labels follow later edits like any others and export with the label formats.
A re-run on a selection replaces what the tier said inside its span and keeps
the rest, cutting a label that reaches into the span at its edge (as the
classification itself is merged).
"""

from __future__ import annotations

from dataclasses import replace

from workbench.core.analysis.results import Classification
from workbench.core.labels.labels import Label, LabelTier, Tiers

CLASSES_TIER = "classes"


def classes_tier_merged(tiers: Tiers, result: Classification, rate: int, frames: int) -> Tiers:
    """``tiers`` with ``result``'s segments in the "classes" tier (added at the bottom if
    missing); labels already there are cut away inside the result's span."""
    def frame(t: float) -> int:
        return min(frames, max(0, round(t * rate)))

    start, end = frame(result.span[0]), frame(result.span[1])
    new = [Label(frame(s.start), max(frame(s.start), frame(s.end)), s.label)
           for s in result.segments if frame(s.end) > frame(s.start)]
    index = next((i for i, t in enumerate(tiers) if t.name == CLASSES_TIER), None)
    if index is None:
        return (*tiers, LabelTier(CLASSES_TIER, tuple(new)))
    tier = tiers[index]
    kept = [piece for lab in tier.labels for piece in _outside(lab, start, end)]
    out = list(tiers)
    out[index] = replace(tier, labels=tuple(kept + new))
    return tuple(out)


def _outside(label: Label, start: int, end: int) -> list[Label]:
    """The parts of ``label`` outside frames ``[start, end)``; the first keeps its id."""
    if label.end <= start or label.start >= end:
        return [label]
    pieces = []
    if label.start < start:
        pieces.append(replace(label, end=start))
    if label.end > end:
        tail = Label(end, label.end, label.text)
        pieces.append(replace(tail, id=label.id) if not pieces else tail)
    return pieces

"""Undoable commands that apply model results to a document.

`ApplyAnalysisCommand` stores a transcript or classification in
`Document.analyses`, merged into the result already there (a re-run on a
selection replaces what the older result said inside the selection).  A
transcript also becomes the "words" label tier, merged the same way, so the
words show on the timeline and follow later edits like any labels; a
classification becomes the "classes" tier (core/labels/class_tier.py) the same way.
`enhancement_command` replaces the enhanced range of every track.
"""

from __future__ import annotations

from dataclasses import replace

from workbench.core.analysis.results import Classification, EnhancedAudio, Transcript, merged
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.document import Document
from workbench.core.document.edit_commands import ReplaceRangeCommand
from workbench.core.document.history import Command, CompoundCommand
from workbench.core.labels.class_tier import classes_tier_merged
from workbench.core.labels.labels import Label, LabelTier, Tiers
from workbench.core.time_format import span_text

WORDS_TIER = "words"


def _result_label(verb: str, result, rate: int) -> str:
    start, end = (round(t * rate) for t in result.span)
    return f"{verb} {span_text(start, end, rate)} ({result.model})"


class ApplyAnalysisCommand(Command):
    """Store `result` as the document's `kind` analysis (merged), and its words tier.

    The merge is computed on the first `do`; redo and undo swap the stored
    before/after values, so they reproduce exactly what the user saw.
    """

    def __init__(self, kind: str, result: object, verb: str | None = None) -> None:
        self.kind, self.result = kind, result
        self._verb = verb or kind.capitalize()
        self.label = self._verb
        self._before: tuple[object | None, Tiers] | None = None
        self._after: tuple[object, Tiers] | None = None

    def do(self, doc: Document) -> None:
        if self._after is None:
            old = doc.analyses.get(self.kind)
            combined = merged(old, self.result)
            tiers = doc.label_tiers
            if isinstance(self.result, Transcript):
                tiers = words_tier_merged(tiers, self.result, doc.sample_rate, doc.frames)
            elif isinstance(self.result, Classification):
                tiers = classes_tier_merged(tiers, self.result, doc.sample_rate, doc.frames)
            self._before = (old, doc.label_tiers)
            self._after = (combined, tiers)
            self.label = _result_label(self._verb, self.result, doc.sample_rate)
        self._set(doc, *self._after)

    def undo(self, doc: Document) -> None:
        assert self._before is not None, "undo before do"
        self._set(doc, *self._before)

    def _set(self, doc: Document, analysis: object | None, tiers: Tiers) -> None:
        with doc.batch():
            doc.set_analysis(self.kind, analysis)
            if tiers is not doc.label_tiers:
                doc.set_label_tiers(tiers)


def words_tier_merged(tiers: Tiers, transcript: Transcript, rate: int, frames: int) -> Tiers:
    """`tiers` with the transcript's words in the "words" tier (added at the bottom if
    missing); labels already there whose middle lies in the transcript's span go."""
    def frame(t: float) -> int:
        return min(frames, max(0, round(t * rate)))

    start, end = frame(transcript.span[0]), frame(transcript.span[1])
    new = [Label(frame(w.start), max(frame(w.start), frame(w.end)), w.word)
           for w in transcript.words]
    index = next((i for i, t in enumerate(tiers) if t.name == WORDS_TIER), None)
    if index is None:
        return (*tiers, LabelTier(WORDS_TIER, tuple(new)))
    tier = tiers[index]
    kept = [lab for lab in tier.labels if not start <= (lab.start + lab.end) / 2 < end]
    out = list(tiers)
    out[index] = replace(tier, labels=tuple(kept + new))
    return tuple(out)


def enhancement_command(doc: Document, result: EnhancedAudio) -> Command:
    """Replace the result's span of every track by the enhanced audio, and record the
    result (model, device, time) as the document's "enhance" analysis.

    The enhanced audio holds the document's channels in track order; it is split
    back into tracks here.
    """
    rate = doc.sample_rate
    start = min(doc.frames, round(result.span[0] * rate))
    stop = min(doc.frames, start + result.samples.frames)
    samples = result.samples.slice(0, stop - start)
    if len(doc.tracks) == 1:
        per_track = [samples]
    else:
        data, first, per_track = samples.read(), 0, []
        for track in doc.tracks:
            per_track.append(BlockSequence.from_array(data[:, first:first + track.channels]))
            first += track.channels
    label = _result_label("Enhance", result, rate)
    return CompoundCommand(label, [ReplaceRangeCommand(label, start, stop, per_track),
                                   ApplyAnalysisCommand("enhance", result, "Enhance")])

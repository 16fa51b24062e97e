"""Edits that change the length of the audio: delete, cut, trim, insert silence, paste.

They apply to every channel of every track (tracks stay aligned, as with
Audacity's sync-lock), and the labels follow the audio (see labels.py).
Each command is built from plain frame positions; the GUI passes the
selection's.  Afterwards the selection shows what happened: a cursor where
audio was deleted, the new audio selected after an insert or paste.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.clipboard import Clipboard
from workbench.core.document.document import Document
from workbench.core.document.edits import (
    EditError,
    EditPlan,
    SampleEditCommand,
    Splice,
    check_range,
    created_bytes,
    silence,
    tiers_if_changed,
)
from workbench.core.labels.labels import labels_after_delete, labels_after_insert
from workbench.core.time_format import seconds_text, span_text


class DeleteCommand(SampleEditCommand):
    """Remove frames [start, stop) from every track."""

    verb = "Delete"

    def __init__(self, start: int, stop: int) -> None:
        super().__init__()
        self.start, self.stop = start, stop
        self.label = self.verb

    def plan(self, doc: Document) -> EditPlan:
        check_range(doc, self.start, self.stop, self.verb)
        splices = tuple(
            Splice(t, self.start, track.samples.slice(self.start, self.stop),
                   BlockSequence.empty(track.channels))
            for t, track in enumerate(doc.tracks))
        tiers = labels_after_delete(doc.label_tiers, self.start, self.stop)
        return EditPlan(f"{self.verb} {span_text(self.start, self.stop, doc.sample_rate)}",
                        splices, tiers_if_changed(doc.label_tiers, tiers),
                        doc.selection.with_range(self.start, self.start))


class CutCommand(DeleteCommand):
    """Delete [start, stop) and keep it, with its labels, in `clipboard`."""

    verb = "Cut"

    def __init__(self, start: int, stop: int) -> None:
        super().__init__(start, stop)
        self._clipboard: Clipboard | None = None

    def plan(self, doc: Document) -> EditPlan:
        plan = super().plan(doc)
        self._clipboard = Clipboard.copy(doc, self.start, self.stop)
        return plan

    @property
    def clipboard(self) -> Clipboard:
        """What was cut (available once the command has been done)."""
        if self._clipboard is None:
            raise RuntimeError("the cut has not been done yet")
        return self._clipboard


class TrimCommand(SampleEditCommand):
    """Keep only frames [start, stop): delete what comes after, then what comes before."""

    def __init__(self, start: int, stop: int) -> None:
        super().__init__()
        self.start, self.stop = start, stop
        self.label = "Trim"

    def plan(self, doc: Document) -> EditPlan:
        check_range(doc, self.start, self.stop, "Trim")
        end = doc.frames
        if (self.start, self.stop) == (0, end):
            raise EditError("Trim: the selection already covers all of the audio")
        splices = []
        for t, track in enumerate(doc.tracks):
            empty = BlockSequence.empty(track.channels)
            splices.append(Splice(t, self.stop, track.samples.slice(self.stop, end), empty))
            splices.append(Splice(t, 0, track.samples.slice(0, self.start), empty))
        tiers = labels_after_delete(doc.label_tiers, self.stop, end)
        tiers = labels_after_delete(tiers, 0, self.start)
        return EditPlan(f"Trim to {span_text(self.start, self.stop, doc.sample_rate)}",
                        tuple(splices), tiers_if_changed(doc.label_tiers, tiers),
                        doc.selection.with_range(0, self.stop - self.start))


class InsertSilenceCommand(SampleEditCommand):
    """Insert `frames` frames of silence at frame `at` in every track."""

    def __init__(self, at: int, frames: int) -> None:
        super().__init__()
        self.at, self.frames = at, frames
        self.label = "Insert silence"

    def plan(self, doc: Document) -> EditPlan:
        if not 0 <= self.at <= doc.frames:
            raise EditError(f"Insert silence: position {self.at} is outside the audio")
        if self.frames <= 0:
            raise EditError("Insert silence needs a length of at least one frame")
        splices = tuple(Splice(t, self.at, BlockSequence.empty(track.channels),
                               silence(self.frames, track.channels))
                        for t, track in enumerate(doc.tracks))
        tiers = labels_after_insert(doc.label_tiers, self.at, self.frames)
        return EditPlan(f"Insert {seconds_text(self.frames, doc.sample_rate)} s of silence",
                        splices, tiers_if_changed(doc.label_tiers, tiers),
                        doc.selection.with_range(self.at, self.at + self.frames))


class PasteCommand(SampleEditCommand):
    """Put the clipboard's audio and labels at `start`, replacing [start, stop) if not empty."""

    def __init__(self, clipboard: Clipboard, start: int, stop: int | None = None) -> None:
        super().__init__()
        self.clipboard = clipboard
        self.start, self.stop = start, start if stop is None else stop
        self.label = "Paste"

    def plan(self, doc: Document) -> EditPlan:
        if not 0 <= self.start <= self.stop <= doc.frames:
            raise EditError(f"Paste: the range {self.start}..{self.stop} is outside the audio")
        if not doc.tracks:
            raise EditError("Paste needs a document with at least one track")
        length = self.clipboard.frames
        splices = tuple(Splice(t, self.start, track.samples.slice(self.start, self.stop),
                               self.clipboard.audio_for(doc, t))
                        for t, track in enumerate(doc.tracks))
        tiers = labels_after_delete(doc.label_tiers, self.start, self.stop)
        tiers = labels_after_insert(tiers, self.start, length)
        tiers = self.clipboard.labels_into(tiers, self.start)
        return EditPlan(f"Paste {seconds_text(length, doc.sample_rate)} s", splices,
                        tiers_if_changed(doc.label_tiers, tiers),
                        doc.selection.with_range(self.start, self.start + length))


class ReplaceRangeCommand(SampleEditCommand):
    """Replace [start, stop) of every track by new audio, e.g. an applied model result.

    `tracks` holds one sequence per track, all of the same length (which may
    differ from the range's; labels then follow as for a delete and insert).
    The sequences are counted as new samples in the history's memory budget.
    """

    def __init__(self, label: str, start: int, stop: int,
                 tracks: Sequence[BlockSequence]) -> None:
        super().__init__()
        self.label = label
        self.start, self.stop = start, stop
        self.tracks = tuple(tracks)

    def plan(self, doc: Document) -> EditPlan:
        if not 0 <= self.start <= self.stop <= doc.frames:
            raise EditError(f"{self.label}: the range {self.start}..{self.stop} is outside "
                            "the audio")
        if len(self.tracks) != len(doc.tracks):
            raise EditError(f"{self.label}: got audio for {len(self.tracks)} tracks, the "
                            f"document has {len(doc.tracks)}")
        lengths = {seq.frames for seq in self.tracks}
        if len(lengths) != 1:
            raise EditError(f"{self.label}: the new audio of the tracks differs in length")
        for seq, track in zip(self.tracks, doc.tracks, strict=True):
            if seq.channels != track.channels:
                raise EditError(f"{self.label}: new audio has {seq.channels} channels, track "
                                f"'{track.name}' has {track.channels}")
        length = lengths.pop()
        splices = tuple(Splice(t, self.start, track.samples.slice(self.start, self.stop), seq)
                        for t, (track, seq) in enumerate(zip(doc.tracks, self.tracks,
                                                              strict=True)))
        tiers = doc.label_tiers
        if length != self.stop - self.start:
            tiers = labels_after_delete(tiers, self.start, self.stop)
            tiers = labels_after_insert(tiers, self.start, length)
        return EditPlan(self.label, splices, tiers_if_changed(doc.label_tiers, tiers),
                        doc.selection.with_range(self.start, self.start + length),
                        sum(created_bytes(seq) for seq in self.tracks))

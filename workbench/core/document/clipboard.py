"""Audio (and its labels) cut or copied from a document, ready to paste.

A `Clipboard` is an immutable value: the application keeps the latest one and
hands it to `PasteCommand`, in the same document or another one.  It shares
blocks with the document it came from, so copying an hour costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.document import Document
from workbench.core.document.edits import EditError, channel_view
from workbench.core.labels.labels import Tiers, labels_after_rescale, labels_in_range, labels_pasted


@dataclass(frozen=True)
class Clipboard:
    """Frames of every track of a document, their sample rate, and the labels in that range.

    Label positions are relative to the start of the copied range.
    """

    tracks: tuple[BlockSequence, ...]
    sample_rate: int
    label_tiers: Tiers = ()

    def __post_init__(self) -> None:
        if not self.tracks:
            raise ValueError("a clipboard holds at least one track")
        if self.sample_rate <= 0:
            raise ValueError("sample rate must be positive")

    @classmethod
    def copy(cls, doc: Document, start: int, stop: int) -> Clipboard:
        """Frames [start, stop) of every track of `doc`, with the labels in that range."""
        if not 0 <= start < stop <= doc.frames:
            raise EditError(f"Copy needs a selection inside the audio (0..{doc.frames} frames)")
        return cls(tuple(t.samples.slice(start, stop) for t in doc.tracks), doc.sample_rate,
                   labels_in_range(doc.label_tiers, start, stop))

    @property
    def frames(self) -> int:
        return max(t.frames for t in self.tracks)

    @property
    def channels(self) -> int:
        return sum(t.channels for t in self.tracks)

    def resampled(self, tracks: tuple[BlockSequence, ...], sample_rate: int) -> Clipboard:
        """This clipboard with its audio replaced by a resampled copy and labels rescaled.

        The resampling itself is done elsewhere (workbench/ml/resample.py); this
        only checks the shape and moves the labels.
        """
        if len(tracks) != len(self.tracks) or any(
                a.channels != b.channels for a, b in zip(tracks, self.tracks, strict=True)):
            raise ValueError("resampled tracks must match the clipboard's tracks and channels")
        frames = max(t.frames for t in tracks)
        tiers = labels_after_rescale(self.label_tiers, self.sample_rate, sample_rate, frames)
        return Clipboard(tuple(tracks), sample_rate, tiers)

    def audio_for(self, doc: Document, track_index: int) -> BlockSequence:
        """What to paste into one track of `doc`.

        Tracks pair up by index when the counts agree; a single clipboard track
        goes into every track.  Mono audio pasted into a track with more
        channels is repeated on each (without copying).  Anything else raises
        EditError, as does a different sample rate.
        """
        if self.sample_rate != doc.sample_rate:
            raise EditError(f"The clipboard holds audio at {self.sample_rate} Hz but the "
                            f"document is at {doc.sample_rate} Hz; resample one of them first")
        if len(self.tracks) == len(doc.tracks):
            audio = self.tracks[track_index]
        elif len(self.tracks) == 1:
            audio = self.tracks[0]
        else:
            raise EditError(f"The clipboard holds {len(self.tracks)} tracks but the document "
                            f"has {len(doc.tracks)}")
        want = doc.tracks[track_index].channels
        if audio.channels == want:
            return audio
        if audio.channels == 1:
            return channel_view(audio, 0, want)
        raise EditError(f"The clipboard audio has {audio.channels} channels but track "
                        f"'{doc.tracks[track_index].name}' has {want}")

    def labels_into(self, tiers: Tiers, at: int) -> Tiers:
        """`tiers` with this clipboard's labels pasted at frame `at`."""
        return labels_pasted(tiers, self.label_tiers, at)

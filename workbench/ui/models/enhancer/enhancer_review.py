"""One enhancer result under review: the three versions of its span, and what to apply.

The review keeps two sequences of blocks: the span's original samples (the
document's own blocks, not a copy, for a single-track document) and the model's raw
output (`wet` 1, the job's result; outside params["regions"] it is spliced from the
original's blocks).  The dry/wet mix and the residual are not stored: they are
BlockSequences computed on read (core.audio.mixed_source), a block at a time, by the
player, the rows' images and the scores (core.analysis.enhancement_review), so moving
the wet control is instant and a long span is held about once, not five times.  A new
attenuation limit needs the model again: the EnhancerUi re-runs the job and hands the
new raw output to `set_raw`.

GUI thread only.  Owns its sequences; the job and document belong to ModelJobService.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, Signal

from workbench.core.analysis.enhancement_review import EnhancementScores, enhancement_scores
from workbench.core.analysis.results import EnhancedAudio
from workbench.core.audio.blocks import Block, BlockSequence
from workbench.core.audio.mixed_source import mixed_sequence, stored
from workbench.core.audio.sample_source import SampleSource
from workbench.runtime.model_jobs import ModelJob, snapshot_audio

SOURCES = ("original", "enhanced", "residual")
SILENCE_BLOCK_FRAMES = 1 << 16


def silence(frames: int, channels: int) -> BlockSequence:
    """`frames` of silence that share one small zero block (long files stay cheap)."""
    source = SampleSource.from_array(
        np.zeros((min(max(frames, 1), SILENCE_BLOCK_FRAMES), channels), np.float32))
    blocks = [Block(source, 0, min(SILENCE_BLOCK_FRAMES, frames - at))
              for at in range(0, frames, SILENCE_BLOCK_FRAMES)]
    return BlockSequence(blocks, channels)


def fitted(seq: BlockSequence, frames: int) -> BlockSequence:
    """`seq` cut or padded with silence to exactly `frames`."""
    if seq.frames >= frames:
        return seq.slice(0, frames)
    return seq.concat(silence(frames - seq.frames, seq.channels))


def only_in_regions(original: BlockSequence, enhanced: BlockSequence, offset_s: float,
                    regions_s, sample_rate: int) -> BlockSequence:
    """`enhanced` inside the `regions_s` ((start, end) seconds; the audio starts at
    `offset_s`), the original's own blocks everywhere else (nothing is copied)."""
    out, at = BlockSequence.empty(original.channels), 0
    for start, end in sorted(regions_s):
        a = min(original.frames, max(at, round((start - offset_s) * sample_rate)))
        b = min(original.frames, max(a, round((end - offset_s) * sample_rate)))
        out = out.concat(original.slice(at, a)).concat(enhanced.slice(a, b))
        at = b
    return out.concat(original.slice(at, original.frames))


class EnhancerReview(QObject):
    """Original / enhanced / residual of one enhance job's span (see module docstring)."""

    changed = Signal()  # the enhanced audio (wet or raw output) changed

    def __init__(self, job: ModelJob, result: EnhancedAudio, wet: float = 1.0,
                 attenuation_limit_db: float | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.job = job
        audio = snapshot_audio([t.samples for t in job.document.tracks], job.start, job.stop)
        self.original_blocks = audio if isinstance(audio, BlockSequence) \
            else BlockSequence.from_array(audio)  # several tracks: one copy side by side
        self.wet = wet
        self.attenuation_limit_db = attenuation_limit_db
        self.set_raw(result)

    @property
    def document(self):
        return self.job.document

    @property
    def sample_rate(self) -> int:
        return self.job.document.sample_rate

    @property
    def frames(self) -> int:
        return self.original_blocks.frames

    def set_raw(self, result: EnhancedAudio) -> None:
        """Use a (re-run) model output at wet 1 for the span."""
        self.result = result
        raw = fitted(result.samples, self.frames)
        regions = self.job.params.get("regions")
        if regions:  # e.g. the classifier's speech segments: the gaps stay as they are
            raw = only_in_regions(self.original_blocks, raw, self.job.start / self.sample_rate,
                                  regions, self.sample_rate)
        self.raw_blocks = raw
        self._update()

    def set_wet(self, wet: float) -> None:
        self.wet = min(1.0, max(0.0, float(wet)))
        self._update()

    def _update(self) -> None:
        self.scores: EnhancementScores = enhancement_scores(
            self.original_blocks, self.versions["enhanced"], self.sample_rate,
            self.versions["residual"])
        self.changed.emit()

    @property
    def versions(self) -> dict[str, BlockSequence]:
        """The span's three versions as BlockSequences; the mix and the residual are
        computed on read (enhanced = wet * raw + (1 - wet) * original; residual =
        original - enhanced = wet * (original - raw))."""
        original, raw, wet = self.original_blocks, self.raw_blocks, self.wet
        enhanced = raw if wet >= 1.0 else mixed_sequence(raw, original, wet, 1.0 - wet)
        return {"original": original, "enhanced": enhanced,
                "residual": mixed_sequence(original, raw, wet, -wet)}

    def version(self, source: str) -> BlockSequence:
        """The span's "original", "enhanced" or "residual" (frames x channels, on read)."""
        return self.versions[source]

    # Whole arrays, for tests and small spans: each call reads (and so copies) the span.
    @property
    def original(self) -> np.ndarray:
        return self.original_blocks.read()

    @property
    def raw(self) -> np.ndarray:
        return self.raw_blocks.read()

    @property
    def enhanced(self) -> np.ndarray:
        return self.version("enhanced").read()

    @property
    def residual(self) -> np.ndarray:
        return self.version("residual").read()

    def playback_tracks(self, source: str) -> list[BlockSequence] | None:
        """Whole-document tracks that play `source` in the span (None: the document).

        Outside the span the enhanced version is the original and the residual silent.
        """
        if source == "original":
            return None
        first, tracks = 0, []
        x, y, a, b = self._mix_of(source)
        for track in self.document.tracks:
            part = mixed_sequence(x, y, a, b, slice(first, first + track.channels))
            first += track.channels
            if source == "enhanced":
                tracks.append(track.samples.replace(self.job.start, self.job.stop, part))
            else:
                tracks.append(silence(self.job.start, track.channels).concat(part))
        return tracks

    def _mix_of(self, source: str):
        """(x, y, a, b) with `source` = a * x + b * y."""
        original, raw, wet = self.original_blocks, self.raw_blocks, self.wet
        if source == "enhanced":
            return raw, original, wet, 1.0 - wet
        return original, raw, wet, -wet

    def output(self) -> EnhancedAudio:
        """The result to apply: the chosen strength's enhanced audio for the span, stored."""
        enhanced = self.versions["enhanced"]
        return replace(self.result, samples=enhanced if self.wet >= 1.0 else stored(enhanced))

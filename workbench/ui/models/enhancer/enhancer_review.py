"""One enhancer result under review: the three versions of its span, and what to apply.

The review keeps the model's raw output (`wet` 1) for the job's span and the
original samples of that span; the dry/wet mix, the residual and the scores
are worked out here from those (core.analysis.enhancement_review), so moving
the wet control is instant.  A new attenuation limit needs the model again:
the EnhancerUi re-runs the job and hands the new raw output to `set_raw`.

GUI thread only.  Owns its arrays; the job and document belong to ModelJobService.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QObject, Signal

from workbench.core.analysis.enhancement_review import (
    EnhancementScores,
    enhancement_scores,
    only_in_regions,
    residual,
    wet_mix,
)
from workbench.core.analysis.results import EnhancedAudio
from workbench.core.audio.blocks import Block, BlockSequence
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


class EnhancerReview(QObject):
    """Original / enhanced / residual of one enhance job's span (see module docstring)."""

    changed = Signal()  # the enhanced audio (wet or raw output) changed

    def __init__(self, job: ModelJob, result: EnhancedAudio, wet: float = 1.0,
                 attenuation_limit_db: float | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.original = np.asarray(
            _read(snapshot_audio([t.samples for t in job.document.tracks], job.start,
                                 job.stop)), np.float32)
        self.wet = wet
        self.attenuation_limit_db = attenuation_limit_db
        self.set_raw(result)

    @property
    def document(self):
        return self.job.document

    @property
    def sample_rate(self) -> int:
        return self.job.document.sample_rate

    def set_raw(self, result: EnhancedAudio) -> None:
        """Use a (re-run) model output at wet 1 for the span."""
        self.result = result
        raw = np.asarray(result.samples.read(), np.float32)[:len(self.original)]
        raw = np.pad(raw, ((0, len(self.original) - len(raw)), (0, 0)))
        regions = self.job.params.get("regions")
        if regions:  # e.g. the classifier's speech segments: the gaps stay as they are
            raw = only_in_regions(self.original, raw, self.job.start / self.sample_rate,
                                  regions, self.sample_rate)
        self.raw = raw
        self._update()

    def set_wet(self, wet: float) -> None:
        self.wet = min(1.0, max(0.0, float(wet)))
        self._update()

    def _update(self) -> None:
        self.enhanced = wet_mix(self.original, self.raw, self.wet)
        self.residual = residual(self.original, self.enhanced)
        self.scores: EnhancementScores = enhancement_scores(self.original, self.enhanced,
                                                            self.sample_rate)
        self.changed.emit()

    def version(self, source: str) -> np.ndarray:
        """The span's samples (frames x channels) of "original", "enhanced" or "residual"."""
        return {"original": self.original, "enhanced": self.enhanced,
                "residual": self.residual}[source]

    def playback_tracks(self, source: str) -> list[BlockSequence] | None:
        """Whole-document tracks that play `source` in the span (None: the document).

        Outside the span the enhanced version is the original and the residual silent.
        """
        if source == "original":
            return None
        data, first, tracks = self.version(source), 0, []
        for track in self.document.tracks:
            part = BlockSequence.from_array(data[:, first:first + track.channels])
            first += track.channels
            if source == "enhanced":
                tracks.append(track.samples.replace(self.job.start, self.job.stop, part))
            else:
                tracks.append(silence(self.job.start, track.channels).concat(part))
        return tracks

    def output(self) -> EnhancedAudio:
        """The result to apply: the chosen strength's enhanced audio for the span."""
        return replace(self.result, samples=BlockSequence.from_array(self.enhanced))


def _read(audio) -> np.ndarray:
    return audio.read() if isinstance(audio, BlockSequence) else audio

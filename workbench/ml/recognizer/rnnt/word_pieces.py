"""Timed words from an RNN-T's sentencepiece tokens.

`WordPieceVocabulary` reads the bundle's sentencepiece model (sentencepiece is
imported here, when an RNN-T runs, never at start-up) and drops the special ids as
torchaudio's _SentencePieceTokenProcessor does (unknown, end of sentence, padding;
the start-of-sentence control piece never spells a word either).  `timed_words` joins
pieces into words: a piece starting with "▁" (sentencepiece's word boundary) starts a
new word.  A word starts at its first piece's encoder frame and ends one frame after
its last piece's frame.  Its confidence is the geometric mean of its pieces'
probabilities (exp of their mean log probability), so a long word is not punished for
having more pieces, as the CTC path's mean per-frame probability does not punish it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from workbench.core.analysis.results import Word
from workbench.ml.errors import ModelLoadError

BOUNDARY = "\u2581"  # sentencepiece's "▁": a space before the piece


class WordPieceVocabulary:
    """A sentencepiece model's pieces by id; `skipped` holds the ids that spell nothing."""

    def __init__(self, path: Path) -> None:
        import sentencepiece

        processor = sentencepiece.SentencePieceProcessor()
        try:
            processor.Load(str(path))
        except (OSError, RuntimeError) as exc:
            raise ModelLoadError(path, f"not a sentencepiece model: {exc}") from exc
        self.pieces = tuple(processor.IdToPiece(i) for i in range(processor.GetPieceSize()))
        self.skipped = frozenset(i for i in (processor.unk_id(), processor.bos_id(),
                                             processor.eos_id(), processor.pad_id()) if i >= 0)

    def __len__(self) -> int:
        return len(self.pieces)


def timed_words(pieces: Sequence[str], frames: Sequence[int], log_probs: Sequence[float],
                seconds_per_frame: float, end_s: float | None = None) -> list[Word]:
    """Words from pieces emitted at encoder `frames` with `log_probs` (see the module
    doc); times in seconds.  With `end_s` (the audio's length) a word emitted in the
    padding after the end is kept, as the audio's last frame.  Pieces are lowercased,
    as the workbench's own recognizers spell."""
    groups: list[list[tuple[str, int, float]]] = []
    for piece, frame, log_prob in zip(pieces, frames, log_probs, strict=True):
        if piece.startswith(BOUNDARY) or not groups:
            groups.append([])
        groups[-1].append((piece.replace(BOUNDARY, ""), frame, log_prob))
    return [_word(group, seconds_per_frame, end_s) for group in groups
            if any(text for text, _, _ in group)]


def _word(group: list[tuple[str, int, float]], seconds_per_frame: float,
          end_s: float | None) -> Word:
    start, end = group[0][1] * seconds_per_frame, (group[-1][1] + 1) * seconds_per_frame
    if end_s is not None and end > end_s:
        end = end_s
        start = min(start, max(0.0, end_s - seconds_per_frame))
    confidence = math.exp(sum(lp for _, _, lp in group) / len(group))
    return Word("".join(text for text, _, _ in group).lower(), start, end,
                min(1.0, max(0.0, confidence)))

"""The truth of a corpus run as the corpus view uses it: matched to the rows, counted
into a confusion matrix, and relabelled.

Relabels never touch the user's truth file: they go to RUN_DIR/truth-relabelled.csv
(written whole and renamed into place), which the view reads first the next time.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from workbench.runtime.corpus.truth import (
    TruthFileError,
    TruthMatch,
    classification_scores,
    match_truth,
    read_truth,
    transcript_scores,
    write_truth,
)

RELABELLED_NAME = "truth-relabelled.csv"


class CorpusTruth:
    """Truth entries of one run and their matches to its ok rows.  Plain Python; the
    view calls `rematch` after a change."""

    def __init__(self, kind: str, entries: list, source: Path, run_dir: Path) -> None:
        self.kind = kind
        self.entries = list(entries)
        self.source = Path(source)
        self.run_dir = Path(run_dir)
        self.matches: list[TruthMatch] = []
        self.counts: dict = {}
        self._by_key: dict[str, list[TruthMatch]] = {}

    @classmethod
    def find(cls, run_dir: Path, kind: str) -> CorpusTruth | None:
        """The run's relabelled truth, else the file its summary names; None when it
        has none.  Raises TruthFileError for a truth file that cannot be read."""
        run_dir = Path(run_dir)
        path = run_dir / RELABELLED_NAME
        if not path.exists():
            try:
                summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            if not summary.get("truth_file"):
                return None
            path = Path(summary["truth_file"])
            if not path.exists():
                raise TruthFileError(f"{path}: the run's truth file is gone")
        return cls(kind, read_truth(path), path, run_dir)

    def rematch(self, files: list[dict], segments: dict[str, list[dict]]) -> None:
        flat = [s for rows in segments.values() for s in rows]
        self.matches, self.counts = match_truth(self.kind, self.entries, files, flat)
        self._by_key = defaultdict(list)
        for match in self.matches:
            self._by_key[match.key].append(match)

    def truth_of(self, key: str) -> str:
        """The truth label(s) or transcript of a file's row ("" when none)."""
        return ", ".join(dict.fromkeys(m.truth for m in self._by_key.get(key, [])))

    def is_correct(self, key: str) -> bool | None:
        """Whether every truth line of the file matches the run (None: no truth)."""
        matches = self._by_key.get(key)
        return None if not matches else all(m.truth == m.predicted for m in matches)

    def truth_at(self, key: str, start: float, end: float) -> str | None:
        """The truth label of a file's stretch: its whole-file label, else the labelled
        stretch overlapping it most (None: no truth there)."""
        best, overlap = None, 0.0
        for match in self._by_key.get(key, []):
            if match.start is None:
                return match.truth
            shared = min(end, match.end) - max(start, match.start)
            if shared > overlap:
                best, overlap = match.truth, shared
        return best

    def labels(self) -> list[str]:
        return sorted({m.truth for m in self.matches} | {m.predicted for m in self.matches})

    def confusion(self) -> tuple[list[str], np.ndarray]:
        """(labels, counts[truth, predicted]) over the matched lines."""
        labels = self.labels()
        place = {label: i for i, label in enumerate(labels)}
        counts = np.zeros((len(labels), len(labels)), dtype=np.int64)
        for match in self.matches:
            counts[place[match.truth], place[match.predicted]] += 1
        return labels, counts

    def keys_for(self, truth: str, predicted: str) -> set[str]:
        """The files holding a line of `truth` that the run called `predicted`."""
        return {m.key for m in self.matches if m.truth == truth and m.predicted == predicted}

    def scores(self) -> dict:
        """The summary's truth metrics, computed from the current entries."""
        pairs = [(m.truth, m.predicted) for m in self.matches]
        extra = transcript_scores(pairs) if self.kind == "transcribe" else \
            classification_scores(pairs)
        return {**self.counts, **extra}

    def relabel(self, row: dict, label: str,
                span: tuple[float, float] | None = None) -> Path:
        """Make `label` the truth of `row` (the whole file, or the stretch `span`) and
        write the relabelled truth file; returns its path.  The file's lines for the
        same whole file or the same stretch are replaced (the first one keeps its
        place), or one is added."""
        start, end = span if span is not None else (None, None)
        same = [m.index for m in self._by_key.get(row["key"], [])
                if (m.start, m.end) == (start, end)]
        if same:
            self.entries[same[0]] = (self.entries[same[0]][0], start, end, label)
            for index in sorted(same[1:], reverse=True):
                del self.entries[index]
        else:
            self.entries.append((row["relative"], start, end, label))
        target = self.run_dir / RELABELLED_NAME
        write_truth(target, self.entries)
        self.source = target
        return target

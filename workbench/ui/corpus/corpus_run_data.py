"""A corpus run's rows as the view holds them: plain lists read once from the ledger."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.runtime.corpus.ledger import Ledger
from workbench.ui.corpus.corpus_truth import RELABELLED_NAME, CorpusTruth


@dataclass
class CorpusRunData:
    """The file rows (ledger dicts, one per input), segment rows by file key, and the
    run's truth (None until it has one: the first relabel starts one)."""

    folder: Path
    files: list[dict]
    segments: dict[str, list[dict]]
    truth: CorpusTruth | None = None

    @property
    def kind(self) -> str:
        return self.files[0]["kind"] if self.files else "classify"

    @classmethod
    def read(cls, run_dir: Path) -> CorpusRunData:
        """Read RUN_DIR's ledger and truth; raises FileNotFoundError when it holds no
        ledger, TruthFileError (a ValueError) when its truth file cannot be read."""
        ledger = Ledger(run_dir)
        if not ledger.folder.is_dir():
            raise FileNotFoundError(f"{run_dir} holds no corpus run (no ledger folder)")
        files = ledger.file_rows().to_pylist()
        segments: dict[str, list[dict]] = defaultdict(list)
        table = ledger.segment_rows()
        features = _feature_rows(table.column("embedding"))
        for row, feature in zip(table.drop_columns(["embedding"]).to_pylist(), features):
            row["embedding"] = feature
            segments[row["key"]].append(row)
        for rows in segments.values():
            rows.sort(key=lambda r: r["index"])
        data = cls(Path(run_dir), files, dict(segments))
        truth = CorpusTruth.find(run_dir, data.kind)
        if truth is None:
            return data
        truth.rematch(files, data.segments)
        return cls(data.folder, files, data.segments, truth)

    def start_truth(self) -> CorpusTruth:
        """The run's truth, an empty one (for relabels) when it has none yet."""
        if self.truth is None:
            self.truth = CorpusTruth(self.kind, [], self.folder / RELABELLED_NAME, self.folder)
            self.truth.rematch(self.files, self.segments)
        return self.truth

    def predicted_labels(self) -> list[str]:
        """Every class the run's segments name."""
        return sorted({s["label"] for rows in self.segments.values() for s in rows})

    def embedded_segments(self) -> list[tuple[dict, dict]]:
        """(file row, segment row) of every segment with penultimate features, the
        most common feature length only (one model's)."""
        pairs = [(row, s) for row in self.files if row["status"] == "ok"
                 for s in self.segments.get(row["key"], [])
                 if s.get("embedding") is not None and len(s["embedding"])]
        lengths = Counter(len(s["embedding"]) for _row, s in pairs)
        if not lengths:
            return []
        length = lengths.most_common(1)[0][0]
        return [(row, s) for row, s in pairs if len(s["embedding"]) == length]

    def confidence(self, row: dict) -> float | None:
        """The file's least confident segment or word (None: none, or an error row)."""
        values = [s["confidence"] for s in self.segments.get(row["key"], [])]
        return min(values) if values and row["status"] == "ok" else None

    def worst_first_key(self, row: dict) -> tuple:
        """Sort key: error rows first, then the least confident files."""
        confidence = self.confidence(row)
        return (row["status"] == "ok", 2.0 if confidence is None else confidence,
                row["relative"])

    def summary_text(self, row: dict) -> str:
        """What a file's row says in a few words: the classes' shares, or the text."""
        if row["status"] != "ok":
            return row["reason"]
        if row["kind"] == "classify":
            shares = json.loads(row["summary"] or "{}")
            total = sum(shares.values()) or 1.0
            return ", ".join(f"{label} {seconds / total:.0%}" for label, seconds in
                             sorted(shares.items(), key=lambda kv: -kv[1])
                             if seconds / total >= 0.005)  # a class of 0% says nothing
        if row["kind"] == "enhance":
            return row["output"]
        return row["text"]


def _feature_rows(column: pa.ChunkedArray) -> list[np.ndarray | None]:
    """Each segment's features as a float32 view into one flat array (None: none).
    Python floats for 100k segments of 192 would take seconds and gigabytes."""
    lengths = pc.list_value_length(column).fill_null(0).to_numpy()
    flat = pc.list_flatten(column).to_numpy(zero_copy_only=False).astype(np.float32,
                                                                          copy=False)
    ends = np.cumsum(lengths)
    return [flat[end - n:end] if n else None for n, end in zip(lengths.tolist(), ends.tolist())]

"""Scores of a corpus run against a truth file, for the run's summary.

The truth file is CSV, no header needed (a first line `file,...` is skipped):
`file,label` (classify: the file's main class), `file,start,end,label` (classify: a
labelled stretch, scored against the predicted segment that overlaps it most) or
`file,transcript` (transcribe: WER and CER).  `file` is matched against the input's
place in the tree, then its path, then its name.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from workbench.core.durable_files import fsync_file, fsync_folder


class TruthFileError(ValueError):
    """The truth file cannot be read or a line does not fit; the message says where."""


def read_truth(path: Path) -> list[tuple[str, float | None, float | None, str]]:
    """(file, start, end, label) per line; start/end None for a whole file."""
    try:
        with open(path, newline="", encoding="utf-8") as f:
            lines = list(csv.reader(f))
    except (OSError, UnicodeDecodeError) as exc:
        raise TruthFileError(f"cannot read {path}: {exc}") from exc
    entries = []
    for number, fields in enumerate(lines, 1):
        if not fields or (number == 1 and fields[0].strip().lower() == "file"):
            continue
        if len(fields) == 2:
            entries.append((fields[0].strip(), None, None, fields[1].strip()))
        elif len(fields) == 4:
            try:
                start, end = float(fields[1]), float(fields[2])
            except ValueError as exc:
                raise TruthFileError(f"{path}:{number}: start and end must be seconds") \
                    from exc
            entries.append((fields[0].strip(), start, end, fields[3].strip()))
        else:
            raise TruthFileError(f"{path}:{number}: expected file,label or "
                                 f"file,start,end,label (found {len(fields)} fields)")
    return entries


def write_truth(path: Path, entries: list[tuple[str, float | None, float | None, str]]
                ) -> None:
    """Write `entries` as a truth CSV that `read_truth` reads back, atomically: a
    temporary file beside `path`, flushed, then renamed over it."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    for name, start, end, label in entries:
        writer.writerow([name, label] if start is None else [name, repr(start), repr(end),
                                                            label])
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text.getvalue(), encoding="utf-8")
    fsync_file(temporary)
    os.replace(temporary, path)
    fsync_folder(path.parent)


@dataclass(frozen=True)
class TruthMatch:
    """One truth line matched to a file's ok row: `index` is the line's place in the
    truth list, `truth` its label (or transcript), `predicted` the run's answer there."""

    index: int
    key: str
    start: float | None
    end: float | None
    truth: str
    predicted: str


def match_truth(kind: str, truth: list, files: list[dict], segments: list[dict]
                ) -> tuple[list[TruthMatch], dict]:
    """The truth lines that meet an ok row, and the counts (truth, not_in_run,
    error_rows, scored) of all lines."""
    lookup = _lookup(files)
    by_key = defaultdict(list)
    for s in segments:
        by_key[s["key"]].append(s)
    matches, missing, errors = [], 0, 0
    for index, (name, start, end, label) in enumerate(truth):
        row = lookup.get(name)
        if row is None or row["status"] != "ok":
            missing, errors = missing + (row is None), errors + (row is not None)
            continue
        predicted = row["text"] if kind == "transcribe" else \
            _predicted(row, by_key[row["key"]], start, end)
        matches.append(TruthMatch(index, row["key"], start, end, label, predicted))
    counts = {"truth": len(truth), "not_in_run": missing, "error_rows": errors,
              "scored": len(matches)}
    return matches, counts


def score(kind: str, truth: list, files: list[dict], segments: list[dict]) -> dict:
    """The truth metrics of a run's rows (`files`, `segments` as ledger dicts)."""
    matches, counts = match_truth(kind, truth, files, segments)
    if kind == "transcribe":
        return {**counts, **transcript_scores([(m.truth, m.predicted) for m in matches])}
    return {**counts, **classification_scores([(m.truth, m.predicted) for m in matches])}


def classification_scores(pairs: list[tuple[str, str]]) -> dict:
    """Accuracy, per-class precision/recall/support and the confusion matrix
    (truth -> predicted -> count) of (truth, predicted) pairs."""
    confusion: dict[str, Counter] = defaultdict(Counter)
    for truth, predicted in pairs:
        confusion[truth][predicted] += 1
    labels = sorted({t for t, _ in pairs} | {p for _, p in pairs})
    per_class = {}
    for label in labels:
        row = confusion.get(label, Counter())
        hits = row[label]
        predicted = sum(c[label] for c in confusion.values())
        support = sum(row.values())
        per_class[label] = {"precision": hits / predicted if predicted else None,
                            "recall": hits / support if support else None,
                            "support": support}
    correct = sum(1 for t, p in pairs if t == p)
    return {"accuracy": correct / len(pairs) if pairs else None, "per_class": per_class,
            "confusion": {t: dict(c) for t, c in sorted(confusion.items())}}


def edit_distance(reference: list, hypothesis: list) -> int:
    """Levenshtein distance (substitutions, insertions, deletions all cost 1)."""
    previous = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        current = [i]
        for j, hyp in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ref != hyp)))
        previous = current
    return previous[-1]


def transcript_scores(pairs: list[tuple[str, str]]) -> dict:
    """WER and CER of (transcript, recognized text) pairs (None without reference words)."""
    words = chars = word_errors = char_errors = 0
    for transcript, text in pairs:
        ref, hyp = transcript.lower().split(), text.lower().split()
        word_errors += edit_distance(ref, hyp)
        char_errors += edit_distance(list(" ".join(ref)), list(" ".join(hyp)))
        words, chars = words + len(ref), chars + len(" ".join(ref))
    return {"wer": word_errors / words if words else None,
            "cer": char_errors / chars if chars else None}


def _predicted(row: dict, segments: list[dict], start: float | None,
               end: float | None) -> str:
    if start is None:
        return row["text"]
    overlap: Counter = Counter()
    for s in segments:
        overlap[s["label"]] += max(0.0, min(end, s["end"]) - max(start, s["start"]))
    best = overlap.most_common(1)
    return best[0][0] if best and best[0][1] > 0 else ""


def _lookup(files: list[dict]) -> dict[str, dict]:
    table: dict[str, dict] = {}
    for row in files:  # names first, so a full path or a tree place wins over a bare name
        table.setdefault(Path(row["path"]).name, row)
    for row in files:
        table[row["path"]] = row
        table[row["relative"]] = row
    return table

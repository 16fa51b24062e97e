"""Two corpus runs over the same files (say, two models) compared file by file: what
the other run said, whether the answer changed (the main class, or the transcript
with its WER against the truth), and where in the file the two first disagree.
Files are matched by their place in the input tree.  No Qt here."""

from __future__ import annotations

from collections import Counter

from workbench.runtime.corpus.truth import transcript_scores
from workbench.ui.corpus.corpus_truth import CorpusTruth


class RunComparison:
    """`run` (the one shown) against `other`; both CorpusRunData."""

    def __init__(self, run, other) -> None:
        self.run, self.other = run, other
        self._other_rows = {row["relative"]: row for row in other.files}
        self.changes = {row["key"]: self._change(row) for row in run.files}

    @property
    def other_model(self) -> str:
        return next((row["model"] for row in self.other.files if row["model"]), "")

    def other_row(self, row: dict) -> dict | None:
        return self._other_rows.get(row["relative"])

    def other_text(self, row: dict) -> str:
        other = self.other_row(row)
        return "not in the other run" if other is None else self.other.summary_text(other)

    def changed_keys(self) -> set[str]:
        return {key for key, change in self.changes.items() if change}

    def summary_text(self) -> str:
        changed = len(self.changed_keys())
        what = "changed transcript" if self.run.kind == "transcribe" else "changed class"
        text = (f"Compared with {self.other.folder.name} ({self.other_model}): {changed} of "
                f"{len(self.run.files)} files {what}")
        scores = [_accuracy_or_wer(self.run.truth, data) for data in (self.run, self.other)]
        if None not in scores:
            name = "WER" if self.run.kind == "transcribe" else "accuracy"
            text += f"; {name} {scores[0]:.3f} here, {scores[1]:.3f} there"
        return text

    def first_difference(self, row: dict) -> tuple[float, float] | None:
        """The first of this run's segments that the other run labels otherwise."""
        other = self.other_row(row)
        if other is None or self.run.kind != "classify":
            return None
        theirs = self.other.segments.get(other["key"], [])
        for segment in self.run.segments.get(row["key"], []):
            overlap: Counter = Counter()
            for s in theirs:
                overlap[s["label"]] += max(0.0, min(segment["end"], s["end"])
                                           - max(segment["start"], s["start"]))
            best = overlap.most_common(1)
            if not best or best[0][0] != segment["label"]:
                return segment["start"], segment["end"]
        return None

    def _change(self, row: dict) -> str:
        other = self.other_row(row)
        if other is None:
            return ""
        if row["status"] != other["status"]:
            return f"{other['status']} → {row['status']}"
        if row["status"] != "ok" or row["text"] == other["text"]:
            return ""
        if self.run.kind != "transcribe":
            return f"{other['text']} → {row['text']}"
        truth = self.run.truth.truth_of(row["key"]) if self.run.truth else ""
        if not truth:
            return "transcript differs"
        ours, theirs = (transcript_scores([(truth, r["text"])])["wer"] for r in (row, other))
        return f"WER {theirs:.2f} → {ours:.2f} ({ours - theirs:+.2f})"


def _accuracy_or_wer(truth, data) -> float | None:
    """`data` scored against `truth` (this run's truth serves both runs)."""
    if truth is None:
        return None
    scored = CorpusTruth(truth.kind, truth.entries, truth.source, truth.run_dir)
    scored.rematch(data.files, data.segments)
    return scored.scores().get("wer" if truth.kind == "transcribe" else "accuracy")

"""Corpus runs for the view's tests, written through the real ledger (and a truth
file named by summary.json, as `workbench batch --truth` leaves it)."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.runtime.corpus.ledger import Ledger


def file_row(relative, status="ok", reason="", duration=1.0, summary=None, text="",
             model="tiny", kind="classify"):
    return {"key": relative, "content_hash": "h", "path": f"/corpus/{relative}",
            "relative": relative, "kind": kind, "model": model, "status": status,
            "reason": reason, "duration": duration if status == "ok" else None,
            "sample_rate": 16000, "summary": json.dumps(summary or {}), "text": text,
            "output": "", "warnings": "[]", "elapsed": 0.1}


def segment(key, index, start, end, label, confidence=0.9, embedding=None):
    return {"key": key, "index": index, "start": start, "end": end, "label": label,
            "confidence": confidence, "embedding": embedding}


def write_run(folder: Path, rows: list[dict], segments: list[dict],
              truth: str | None = None) -> Path:
    """A run folder with `rows`, `segments` and, when given, a truth CSV's text."""
    Ledger(folder).append(rows, segments)
    if truth is not None:
        truth_file = folder.parent / f"{folder.name}-truth.csv"
        truth_file.write_text(truth, encoding="utf-8")
        (folder / "summary.json").write_text(json.dumps({"truth_file": str(truth_file)}))
    return folder


def truth_run(folder: Path) -> Path:
    """Four files (one an error row) classified loud/quiet, truth for each:
    loud->loud b/loud.wav, loud->quiet c.wav, quiet->loud d.wav; a.wav is an error."""
    rows = [file_row("b/loud.wav", text="loud", summary={"loud": 1.0}),
            file_row("c.wav", text="quiet", summary={"quiet": 1.0}),
            file_row("d.wav", text="loud", summary={"loud": 1.0}),
            file_row("a.wav", "error", "unreadable: the file is empty (0 bytes)")]
    segments = [segment("b/loud.wav", 0, 0.0, 1.0, "loud"),
                segment("c.wav", 0, 0.0, 1.0, "quiet"),
                segment("d.wav", 0, 0.0, 1.0, "loud")]
    return write_run(folder, rows, segments,
                     "file,label\nb/loud.wav,loud\nc.wav,loud\nd.wav,quiet\na.wav,quiet\n")


def embedding_run(folder: Path) -> Path:
    """Six one-segment files whose features form two clusters (loud near x=+1, quiet
    near x=-1); truth says q3.wav, classified loud inside the quiet cluster, is quiet."""
    rows, segments, truth = [], [], ["file,label"]
    layout = [("l1.wav", "loud", "loud", (1.0, 0.1)), ("l2.wav", "loud", "loud", (1.1, -0.1)),
              ("l3.wav", "loud", "loud", (0.9, 0.0)), ("q1.wav", "quiet", "quiet", (-1.0, 0.1)),
              ("q2.wav", "quiet", "quiet", (-1.1, -0.1)), ("q3.wav", "loud", "quiet", (-0.9, 0.0))]
    for name, predicted, label, (x, y) in layout:
        rows.append(file_row(name, text=predicted, summary={predicted: 1.0}))
        segments.append(segment(name, 0, 0.25, 0.75, predicted, embedding=[x, y, 0.0]))
        truth.append(f"{name},{label}")
    return write_run(folder, rows, segments, "\n".join(truth) + "\n")


def shown_view(qtbot, runner, run_dir: Path, width: int = 900, height: int = 800):
    """A CorpusView of the run in `run_dir`, shown at width x height, its map's points
    placed (the projection runs on `runner`)."""
    from workbench.ui.corpus.corpus_run_data import CorpusRunData
    from workbench.ui.corpus.corpus_view import CorpusView

    view = CorpusView(CorpusRunData.read(run_dir), runner)
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: not view.embedding_map.placing, timeout=10000)
    return view

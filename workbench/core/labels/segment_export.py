"""Writing classified segments as CSV, JSON (the command line's shape) or Audacity labels.

JSON has the shape ``workbench classify --format json`` prints::

    {"file", "duration", "model", "device", "elapsed", "labels": [...],
     "segments": [{"start", "end", "label", "confidence"}], "summary": {label: seconds}}

``segments`` may be a subset (say, every "speech" segment); ``summary`` then
adds up those.  Times are seconds.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from workbench.core.analysis.results import Classification, Segment

FORMATS = {".csv": "csv", ".json": "json", ".txt": "audacity"}
FORMAT_FILTERS = "CSV (*.csv);;JSON (*.json);;Audacity labels (*.txt)"


def segments_csv(segments: Sequence[Segment]) -> str:
    """``start,end,label,confidence`` with a header row, one segment per line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["start", "end", "label", "confidence"])
    for s in segments:
        writer.writerow([f"{s.start:.3f}", f"{s.end:.3f}", s.label, f"{s.confidence:.4f}"])
    return out.getvalue()


def segments_audacity(segments: Sequence[Segment]) -> str:
    """Audacity's label track text: ``start<TAB>end<TAB>label`` per line."""
    return "".join(f"{s.start:.6f}\t{s.end:.6f}\t{s.label}\n" for s in segments)


def segments_json(result: Classification, segments: Sequence[Segment] | None = None,
                  file: str = "", duration: float | None = None,
                  warnings: Sequence[str] = ()) -> dict:
    """The command line's JSON object for ``result`` (or only ``segments`` of it);
    ``warnings`` are the audio file's."""
    chosen = list(result.segments if segments is None else segments)
    summary = dict.fromkeys(result.labels, 0.0)
    for s in chosen:
        summary[s.label] = summary.get(s.label, 0.0) + (s.end - s.start)
    return {"file": file, "duration": result.span[1] if duration is None else duration,
            "model": result.model, "device": result.device, "elapsed": result.elapsed,
            "labels": list(result.labels),
            "segments": [{"start": s.start, "end": s.end, "label": s.label,
                          "confidence": s.confidence} for s in chosen],
            "summary": summary, "warnings": list(warnings)}


def format_for(path: str | Path) -> str:
    """``csv``, ``json`` or ``audacity`` from the file name's extension (ValueError if none)."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"cannot tell the segment format of {Path(path).name}: use "
                         f"{', '.join(FORMATS)}")
    return FORMATS[suffix]


def export_segments(path: str | Path, result: Classification,
                    segments: Sequence[Segment] | None = None, file: str = "",
                    duration: float | None = None, warnings: Sequence[str] = ()) -> Path:
    """Write segments to ``path`` in the format its extension names, atomically."""
    path = Path(path)
    chosen = list(result.segments if segments is None else segments)
    fmt = format_for(path)
    if fmt == "csv":
        text = segments_csv(chosen)
    elif fmt == "json":
        text = json.dumps(segments_json(result, chosen, file, duration, warnings),
                          indent=2) + "\n"
    else:
        text = segments_audacity(chosen)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path

"""The per-file function of a corpus run: one file in, exactly one row out.

`FileWorker` is what an executor holds in each of its processes (or Ray actors):
it finds the model once and keeps it loaded across files (a ModelCache of one), and
`process(item)` decodes the file and runs the model's own task, the same
`run_model_task` path the command line and the GUI use for a single file.  Nothing
escapes `process`: a file that cannot be read, a model that fails, an output that
cannot be written all become an error row with the reason.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from workbench.core.audio.audio_file import AudioFileError, load_audio, sample_warnings
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import run_to_completion

# Enhanced audio keeps the input's format where soundfile writes it, else becomes WAV.
_WRITABLE = {".wav": "WAV", ".wave": "WAV", ".flac": "FLAC", ".ogg": "OGG", ".oga": "OGG"}


@dataclass(frozen=True)
class CorpusTask:
    """What a run does to each file; pickled to every worker process or actor.

    `spec` is the model's ModelTaskSpec (ml.model_tasks.MODEL_TASKS[kind] unless a
    caller gives another), `model` the zoo name already chosen, `out_dir` the run
    folder (enhanced audio goes under `out_dir/enhanced`, mirroring the inputs);
    `user_zoo` the user's trained models, listed after `zoo`'s (ModelZoo.user_folder).
    """

    kind: str
    spec: object
    zoo: Path
    model: str
    out_dir: Path
    device: str | None = "cpu"
    params: dict = field(default_factory=dict)
    user_zoo: Path | None = None


@dataclass(frozen=True)
class CorpusItem:
    """One file to process: its path, place in the tree and ledger key."""

    path: str
    relative: str
    key: str
    content_hash: str


@dataclass
class FileOutcome:
    """The one row of a file (a dict of ledger columns) and its segment/word rows."""

    row: dict
    segments: list[dict]


class FileWorker:
    """Holds the model for one worker process; `process` is called once per file.

    Not thread-safe: one worker, one file at a time.
    """

    def __init__(self, task: CorpusTask, torch_threads: int | None = None) -> None:
        from workbench.ml.zoo import ModelZoo
        from workbench.ml.zoo.model_cache import ModelCache

        if torch_threads is not None:
            import torch

            torch.set_num_threads(max(1, torch_threads))
        self.task = task
        self._zoo = ModelZoo(task.zoo, task.user_zoo)
        self._cache = ModelCache(max_models=1)

    def process(self, item: CorpusItem) -> FileOutcome:
        started = time.monotonic()
        row = {"key": item.key, "content_hash": item.content_hash, "path": item.path,
               "relative": item.relative, "kind": self.task.kind, "model": self.task.model,
               "status": "error", "reason": "", "duration": None, "sample_rate": None,
               "summary": "{}", "text": "", "output": "", "warnings": "[]", "elapsed": 0.0}
        segments: list[dict] = []
        try:
            segments = self._run(item, row)
            row["status"] = "ok"
        except AudioFileError as exc:
            row["reason"] = f"unreadable: {exc.reason}"
        except _FileProblem as exc:
            row["reason"] = str(exc)
        except Exception as exc:  # the model broke on this file: the run goes on
            row["reason"] = f"model failed: {type(exc).__name__}: {exc}"
        row["elapsed"] = time.monotonic() - started
        return FileOutcome(row, segments if row["status"] == "ok" else [])

    def _run(self, item: CorpusItem, row: dict) -> list[dict]:
        loaded = run_to_completion(lambda c: load_audio(item.path, c))
        warnings = list(loaded.info.warnings) + list(sample_warnings(loaded.source))
        row.update(duration=float(loaded.info.duration), sample_rate=loaded.info.sample_rate,
                   warnings=json.dumps(warnings))
        if loaded.info.frames == 0:
            raise _FileProblem("empty: the file holds no samples")
        samples = BlockSequence.from_source(loaded.source)
        result = self._infer(samples, loaded.info.sample_rate)
        return _RESULT_ROWS[self.task.kind](self, item, row, result, loaded.info.subtype)

    def _infer(self, samples: BlockSequence, rate: int):
        from workbench.ml.model_tasks import run_model_task

        task = self.task
        # A classify run keeps each window's penultimate features for the embedding map;
        # it is not a setting of the run (the ledger key does not change with it).
        params = {**task.params, "embeddings": True} if task.kind == "classify" \
            else task.params
        return run_to_completion(lambda c: run_model_task(
            task.spec, samples, rate, c, zoo=self._zoo, cache=self._cache, model=task.model,
            device=task.device, params=params))

    def _classify_rows(self, item, row, result, _subtype) -> list[dict]:
        summary = result.summary()
        row["summary"] = json.dumps(summary)
        row["text"] = max(summary, key=summary.get) if summary else ""
        return [{"key": item.key, "index": i, "start": s.start, "end": s.end,
                 "label": s.label, "confidence": float(s.confidence),
                 "embedding": segment_embedding(result, s.start, s.end)}
                for i, s in enumerate(result.segments)]

    def _transcribe_rows(self, item, row, result, _subtype) -> list[dict]:
        row["text"] = result.text
        row["summary"] = json.dumps({"words": len(result.words)})
        return [{"key": item.key, "index": i, "start": w.start, "end": w.end,
                 "label": w.word, "confidence": float(w.confidence)}
                for i, w in enumerate(result.words)]

    def _enhance_rows(self, item, row, result, subtype) -> list[dict]:
        from workbench.core.audio.audio_export import (
            AudioExportError,
            export_audio,
            supported_export_formats,
        )

        target = enhanced_path(self.task.out_dir, item.relative)
        if target.resolve() == Path(item.path).resolve():
            raise _FileProblem("refused: the output would overwrite the input")
        fmt = _WRITABLE.get(target.suffix.lower())
        if fmt is None:
            target, fmt = target.with_suffix(".wav"), "WAV"
        subtypes = supported_export_formats()[fmt]
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            run_to_completion(lambda c: export_audio(
                result.samples, result.sample_rate, target, fmt,
                subtype if subtype in subtypes else subtypes[0], c))
        except AudioExportError as exc:
            raise _FileProblem(f"cannot write the enhanced audio: {exc}") from exc
        row["output"] = str(target)
        return []



_RESULT_ROWS = {"classify": FileWorker._classify_rows,
                "transcribe": FileWorker._transcribe_rows,
                "enhance": FileWorker._enhance_rows}


def segment_embedding(result, start: float, end: float) -> list[float] | None:
    """Mean penultimate features of the windows whose centre lies in [start, end) (the
    nearest window when none does); None when the model gave no features."""
    features = result.window_embeddings
    if features is None or len(features) == 0:
        return None
    centres = result.window_starts + result.window_s / 2
    inside = (centres >= start) & (centres < end)
    if not inside.any():
        inside = np.arange(len(centres)) == np.abs(centres - (start + end) / 2).argmin()
    return features[inside].mean(axis=0).tolist()


class _FileProblem(Exception):
    """A file-level problem whose message is the row's reason."""


def enhanced_path(out_dir: Path, relative: str) -> Path:
    """Where the enhanced version of the input at `relative` goes: the input tree,
    mirrored under `out_dir/enhanced` (never outside it, even for `..` in a list)."""
    parts = [p for p in Path(relative).parts if p not in ("..", ".", "/")]
    return Path(out_dir) / "enhanced" / Path(*parts)


def task_for_worker(task: CorpusTask) -> CorpusTask:
    """The task as workers get it: paths made absolute (workers may start elsewhere)."""
    user_zoo = None if task.user_zoo is None else Path(task.user_zoo).resolve()
    return replace(task, zoo=Path(task.zoo).resolve(), out_dir=Path(task.out_dir).resolve(),
                   user_zoo=user_zoo)

"""A corpus run end to end: hash the inputs, skip what the ledger holds, hand the rest
to an executor, record each row as it arrives, report progress.

`run_corpus` is what the CLI calls (and what a GUI job would call): it does not
know which executor runs the files.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from workbench.runtime.corpus.inputs import CorpusFile
from workbench.runtime.corpus.ledger import Ledger
from workbench.runtime.corpus.per_file import CorpusItem, CorpusTask, FileOutcome

FLUSH_ROWS = 32  # rows per ledger part
FLUSH_S = 2.0  # ... or at most this long between parts


class Executor(Protocol):
    def run(self, task: CorpusTask, items: Iterable[CorpusItem],
            cancelled: Callable[[], bool] = ...) -> Iterator[FileOutcome]: ...


@dataclass
class CorpusProgress:
    """Where a run stands: files `done` this run (ok + errors), `skipped` (already in
    the ledger), `total` inputs, `elapsed` seconds."""

    total: int
    skipped: int = 0
    done: int = 0
    errors: int = 0
    elapsed: float = 0.0
    started: float = field(default_factory=time.monotonic)

    @property
    def files_per_hour(self) -> float:
        return 3600.0 * self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        left = self.total - self.skipped - self.done
        return left * self.elapsed / self.done if self.done else None


def content_hash(path: Path) -> str:
    """sha256 of the file's bytes; for a file that cannot be read, of its path."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return "unreadable-" + hashlib.sha256(str(path).encode("utf-8", "surrogateescape")
                                              ).hexdigest()


def model_hash(task: CorpusTask, weights: Path) -> str:
    """What the results depend on besides the file: kind, model weights, architecture,
    settings."""
    spec = task.spec
    build = getattr(spec, "build_model", None)
    description = {"kind": task.kind, "model": task.model,
                   "weights": content_hash(weights), "params": task.params,
                   "architecture": f"{getattr(build, '__module__', '')}."
                                   f"{getattr(build, '__qualname__', '')}"}
    return hashlib.sha256(json.dumps(description, sort_keys=True).encode()).hexdigest()


def corpus_items(files: list[CorpusFile], model_key: str) -> list[CorpusItem]:
    items = []
    for f in files:
        content = content_hash(f.path)
        key = hashlib.sha256(f"{content}\0{model_key}\0{f.relative}".encode(
            "utf-8", "surrogateescape")).hexdigest()
        items.append(CorpusItem(str(f.path), f.relative, key, content))
    return items


def run_corpus(task: CorpusTask, files: list[CorpusFile], model_key: str, ledger: Ledger,
               executor: Executor, retry_errors: bool = False,
               on_progress: Callable[[CorpusProgress], None] | None = None,
               cancelled: Callable[[], bool] = lambda: False,
               flush_rows: int = FLUSH_ROWS) -> CorpusProgress:
    """Run `task` over the `files` not yet in `ledger`; returns the final progress.

    Rows reach the ledger every `flush_rows` files or FLUSH_S seconds: a run killed
    loses at most those, and a rerun redoes them.
    """
    steps = corpus_steps(task, files, model_key, ledger, executor, retry_errors, cancelled,
                         flush_rows)
    while True:
        try:
            progress = next(steps)
        except StopIteration as stop:
            return stop.value
        if on_progress is not None:
            on_progress(progress)


def corpus_steps(task: CorpusTask, files: list[CorpusFile], model_key: str, ledger: Ledger,
                 executor: Executor, retry_errors: bool = False,
                 cancelled: Callable[[], bool] = lambda: False,
                 flush_rows: int = FLUSH_ROWS) -> Generator[CorpusProgress, None,
                                                            CorpusProgress]:
    """`run_corpus` as a generator: yields the progress after each file, returns the
    final progress (what a GUI job or any caller that reports as it goes uses)."""
    items = corpus_items(files, model_key)
    done = ledger.done(retry_errors)
    todo = [i for i in items if i.key not in done]
    progress = CorpusProgress(total=len(items), skipped=len(items) - len(todo))
    rows: list[dict] = []
    segments: list[dict] = []
    last_flush = time.monotonic()
    try:
        for outcome in executor.run(task, todo, cancelled):
            row = {"kind": task.kind, "model": task.model, **outcome.row}
            rows.append(row)
            segments.extend(outcome.segments)
            progress.done += 1
            progress.errors += row["status"] != "ok"
            progress.elapsed = time.monotonic() - progress.started
            if len(rows) >= flush_rows or time.monotonic() - last_flush >= FLUSH_S:
                ledger.append(rows, segments)
                rows, segments, last_flush = [], [], time.monotonic()
            yield progress
    finally:
        ledger.append(rows, segments)
    progress.elapsed = time.monotonic() - progress.started
    return progress

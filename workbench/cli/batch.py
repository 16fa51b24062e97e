"""`workbench batch {classify,transcribe,enhance} INPUT... --out RUN_DIR`: a model over
a corpus.

INPUT is files, folders (searched recursively for audio) or list files (.txt/.lst/.list,
one path a line).  Each input file gets one row in RUN_DIR/ledger (Parquet), ok or an
error with its reason; enhanced audio goes to RUN_DIR/enhanced mirroring the inputs.  A
rerun skips the files already done for the same model and settings (`--retry-errors`
redoes the error rows).  Progress on stderr at most once a second; the summary on stdout
and in RUN_DIR/summary.json.

Exit codes: 0 every file ok; 3 some files could not be read (their rows say why) or an
input is missing; 4 no usable model, or the model failed on some files; 2 usage (and a
Ray cluster that cannot be started or joined).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.cli.common import (
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_MODEL,
    EXIT_OK,
    EXIT_USAGE,
    CliCommand,
    fail,
)
from workbench.runtime.corpus.inputs import collect_inputs
from workbench.runtime.corpus.per_file import CorpusTask, task_for_worker

if TYPE_CHECKING:
    from workbench.runtime.corpus.corpus_run import CorpusProgress

NAME = "batch"
KINDS = ("classify", "transcribe", "enhance")


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=KINDS)
    parser.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                        help="audio files, folders (recursive) or list files")
    parser.add_argument("--out", type=Path, required=True, metavar="RUN_DIR",
                        help="the run folder: ledger, summary, enhanced audio")
    parser.add_argument("--model", metavar="M", help="model name in the zoo or among your "
                                                     "trained models (WORKBENCH_USER_MODELS_DIR"
                                                     ", else the data folder's models/), or a "
                                                     "downloaded pretrained model (`workbench "
                                                     "models`); default: the first installed "
                                                     "one for this task")
    parser.add_argument("--zoo", metavar="DIR", type=Path,
                        help="model folder (default: WORKBENCH_MODELS_DIR, else models/)")
    parser.add_argument("--device", metavar="D", default="cpu",
                        help="device for every worker (default: cpu)")
    parser.add_argument("--workers", type=int, metavar="N",
                        help="worker processes or Ray actors (default: one per core)")
    parser.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS",
                        help="run on Ray: join ADDRESS (or RAY_ADDRESS), else start a "
                             "local cluster")
    parser.add_argument("--truth", type=Path, metavar="FILE",
                        help="CSV of file,label | file,start,end,label (classify) or "
                             "file,transcript (transcribe): scores in summary.json")
    parser.add_argument("--retry-errors", action="store_true",
                        help="redo the files whose rows are errors")


def _run(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        return fail(NAME, "--workers must be at least 1", EXIT_USAGE)
    truth = _read_truth(args)
    if isinstance(truth, int):
        return truth
    try:
        files = collect_inputs(args.inputs, exclude=args.out)
    except (FileNotFoundError, OSError) as exc:
        return fail(NAME, exc, EXIT_INPUT)
    prepared = _prepare_task(args)
    if isinstance(prepared, int):
        return prepared
    task, key = prepared
    executor = _executor(args)
    if isinstance(executor, int):
        return executor
    from workbench.runtime.corpus.corpus_run import run_corpus
    from workbench.runtime.corpus.ledger import Ledger

    printer = _ProgressPrinter(args.kind)
    try:
        progress = run_corpus(task, files, key, Ledger(args.out), executor,
                              retry_errors=args.retry_errors, on_progress=printer.update)
    except KeyboardInterrupt:
        printer.close()
        return fail(NAME, "interrupted (the rows done are kept; rerun to resume)",
                    EXIT_INTERRUPTED)
    except _executor_errors() as exc:
        printer.close()
        return fail(NAME, exc, EXIT_USAGE)
    printer.close()
    return _summarize(args, task, key, progress, truth)


def _read_truth(args: argparse.Namespace) -> list | None | int:
    """The truth entries (None without --truth), or an exit code."""
    if args.truth is None:
        return None
    if args.kind == "enhance":
        return fail(NAME, "--truth scores classify and transcribe runs only", EXIT_USAGE)
    from workbench.runtime.corpus.truth import TruthFileError, read_truth

    try:
        return read_truth(args.truth)
    except TruthFileError as exc:
        return fail(NAME, exc, EXIT_INPUT)


def _prepare_task(args: argparse.Namespace) -> tuple[CorpusTask, str] | int:
    """The task with its model found in the zoo, and the model hash; or an exit code."""
    try:  # torch is imported only when a model runs
        from workbench.ml.errors import ModelLoadError, UnknownModelError
        from workbench.ml.model_tasks import MODEL_TASKS, NoModelError, find_model
        from workbench.ml.zoo import ModelZoo
        from workbench.ml.zoo.pretrained import downloaded_info
        from workbench.runtime.corpus.corpus_run import model_hash
    except ImportError as exc:
        return fail(NAME, f"the model runtime cannot be loaded ({exc})", EXIT_MODEL)
    spec, zoo = MODEL_TASKS[args.kind], ModelZoo.installed(args.zoo)
    try:
        if args.model in spec.pretrained:  # a model manager download runs by its name
            name, weights = args.model, downloaded_info(args.model).cache_path
        else:
            entry = find_model(zoo, spec, args.model)
            name, weights = entry.name, entry.weights_path
    except (NoModelError, ModelLoadError, UnknownModelError) as exc:
        return fail(NAME, exc, EXIT_MODEL)
    task = task_for_worker(CorpusTask(args.kind, spec, zoo.folder, name, args.out,
                                      args.device, user_zoo=zoo.user_folder))
    return task, model_hash(task, weights)


def _executor(args: argparse.Namespace):
    if args.ray is None:
        from workbench.runtime.corpus.local_executor import LocalExecutor

        return LocalExecutor(args.workers)
    try:
        from workbench.runtime.corpus.ray_executor import RayExecutor
    except ImportError as exc:
        return fail(NAME, f"Ray is not installed ({exc}): pip install "
                          "'audio-workbench[corpus]'", EXIT_USAGE)
    return RayExecutor(address=args.ray or os.environ.get("RAY_ADDRESS") or None,
                       actors=args.workers)


def _executor_errors() -> tuple[type[BaseException], ...]:
    from workbench.runtime.corpus.executor_errors import ExecutorError

    return (ExecutorError,)


def _summarize(args: argparse.Namespace, task: CorpusTask, key: str,
               progress: CorpusProgress, truth: list | None) -> int:
    from workbench.runtime.corpus.ledger import Ledger
    from workbench.runtime.corpus.truth import score

    ledger = Ledger(args.out)
    rows = ledger.file_rows().to_pylist()
    failed = [r for r in rows if r["status"] != "ok"]
    model_failures = [r for r in failed if r["reason"].startswith("model failed")]
    summary = {"kind": task.kind, "model": task.model, "model_hash": key,
               "files": len(rows), "ok": len(rows) - len(failed), "errors": len(failed),
               "this_run": {"done": progress.done, "errors": progress.errors,
                            "skipped": progress.skipped, "elapsed": progress.elapsed,
                            "files_per_hour": progress.files_per_hour},
               "ledger": str(ledger.folder)}
    if truth is not None:
        summary["truth"] = score(task.kind, truth, rows, ledger.segment_rows().to_pylist())
        summary["truth_file"] = str(args.truth.resolve())  # the corpus view reads it again
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"{len(rows)} files: {summary['ok']} ok, {len(failed)} errors "
          f"({progress.done} run now, {progress.skipped} already done) -> {args.out}")
    if truth is not None:
        print(_truth_line(summary["truth"]))
    for row in failed:
        print(f"workbench {NAME}: {row['path']}: {row['reason']}", file=sys.stderr)
    if model_failures:
        return EXIT_MODEL
    return EXIT_INPUT if failed else EXIT_OK


def _truth_line(scores: dict) -> str:
    parts = [f"{name} {scores[name]:.3f}" for name in ("accuracy", "wer", "cer")
             if scores.get(name) is not None]
    return (f"truth: {scores['scored']} scored ({scores['not_in_run']} not in the run, "
            f"{scores['error_rows']} error rows)" + (": " + ", ".join(parts) if parts else ""))


class _ProgressPrinter:
    """Files done, errors, files/hour and ETA on stderr, at most once a second."""

    def __init__(self, kind: str) -> None:
        self._kind, self._last, self._tty = kind, float("-inf"), sys.stderr.isatty()

    def update(self, p: CorpusProgress) -> None:
        now = time.monotonic()
        finished = p.done + p.skipped == p.total
        if now - self._last < 1.0 and not finished:
            return
        self._last = now
        eta = "" if p.eta_s is None else f", ETA {_clock(p.eta_s)}"
        line = (f"batch {self._kind}: {p.done + p.skipped}/{p.total} files, {p.errors} "
                f"errors, {p.files_per_hour:.0f} files/h{eta}")
        sys.stderr.write(("\r" + line + "\x1b[K") if self._tty else line + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self._tty and self._last != float("-inf"):
            sys.stderr.write("\n")


def _clock(seconds: float) -> str:
    minutes, s = divmod(int(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{s:02d}"


COMMAND = CliCommand("run a model over many files (folders, lists), resumable",
                     _add_arguments, _run)

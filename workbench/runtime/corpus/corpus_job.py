"""A corpus run as a job task (core.jobs): what the GUI submits to its JobRunner.

The task runs `workbench batch` in a child process (its own process group) and reads
its progress lines, so the GUI process loads no model and starts no pool, a crash in
the run cannot take the window down, and cancel stops the whole run at once (SIGKILL
to the group: the ledger's parts are whole by design, so the rows done are kept and a
rerun resumes).  It yields Progress per update and returns the final (done, total,
errors).
"""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from workbench.core.jobs import Cancelled, CancelToken, Progress, Task, TaskGenerator

_PROGRESS = re.compile(r"batch \w+: (\d+)/(\d+) files, (\d+) errors")
POLL_S = 0.25  # how often a silent run checks for cancel


class CorpusRunError(RuntimeError):
    """`workbench batch` ended without a run (usage, no such folder, a crash); the
    message is what it said."""


@dataclass(frozen=True)
class CorpusRunRequest:
    """A model kind over `inputs`, results into `out_dir`, the model from `zoo`.

    `module` is what `python -m` runs with the batch arguments (tests give their own).
    """

    kind: str
    inputs: tuple[Path, ...]
    out_dir: Path
    zoo: Path
    model: str | None = None
    workers: int | None = None
    module: str = "workbench"

    def argv(self) -> list[str]:
        argv = [sys.executable, "-m", self.module, "batch", self.kind,
                *map(str, self.inputs), "--out", str(self.out_dir), "--zoo", str(self.zoo)]
        if self.model:
            argv += ["--model", self.model]
        if self.workers:
            argv += ["--workers", str(self.workers)]
        return argv


@dataclass(frozen=True)
class CorpusRunOutcome:
    done: int
    total: int
    errors: int


def corpus_job(request: CorpusRunRequest) -> Task:
    """The task of `request`; returns a CorpusRunOutcome, raises CorpusRunError."""
    def run(cancel: CancelToken) -> TaskGenerator:
        yield Progress(None, "Starting the corpus run…")
        child = subprocess.Popen(request.argv(), stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 start_new_session=True)
        try:
            last, tail = (0, 0, 0), b""
            for line in _lines(child, cancel):
                tail = (tail + line)[-4000:]
                match = _PROGRESS.search(line.decode("utf-8", "replace"))
                if match:
                    last = tuple(int(g) for g in match.groups())
                    done, total, errors = last
                    yield Progress(done / total if total else 1.0,
                                   f"{done}/{total} files, {errors} errors")
        finally:
            if child.poll() is None:  # cancelled (or the GUI is closing): stop it all now
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            child.stderr.close()
        cancel.check()
        if child.returncode not in (0, 3, 4) or last[1] == 0 and child.returncode != 0:
            raise CorpusRunError(tail.decode("utf-8", "replace").strip()
                                 or f"workbench batch exited with {child.returncode}")
        return CorpusRunOutcome(*last)

    return run


def _lines(child: subprocess.Popen, cancel: CancelToken):
    """The child's stderr lines as they come, checking `cancel` while it is silent."""
    fd, pending = child.stderr.fileno(), b""
    while True:
        if cancel.is_set:
            raise Cancelled()
        ready, _, _ = select.select([fd], [], [], POLL_S)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            if pending:
                yield pending
            return
        pending += chunk
        *lines, pending = pending.split(b"\n")
        yield from (line + b"\n" for line in lines)

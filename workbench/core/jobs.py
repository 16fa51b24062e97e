"""Plain types shared by tasks (core/ml/training) and the job runner (runtime).

A task is a generator function.  It yields `Progress` and `Partial` values and
returns its result; it checks `cancel` between chunks of work.  The same task
runs under the GUI's job runner, the command line and the tests.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, Literal

_job_ids = itertools.count(1)


class Cancelled(Exception):
    """Raised inside a task when its CancelToken was set."""


class CancelToken:
    """Cooperative cancellation: tasks poll it between chunks of work."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    @property
    def is_set(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise Cancelled if cancellation was requested."""
        if self._event.is_set():
            raise Cancelled()


@dataclass(frozen=True)
class Progress:
    """How far a task is: fraction in [0, 1] (None when unknown) and a message."""

    fraction: float | None
    message: str = ""


@dataclass(frozen=True)
class Partial:
    """A piece of the result that may be shown before the task ends."""

    value: Any


TaskGenerator = Generator[Progress | Partial, None, Any]
Task = Callable[[CancelToken], TaskGenerator]


@dataclass(frozen=True)
class JobRequest:
    """What the user asked for.  `revision` is the document revision the job reads."""

    kind: str
    name: str
    lane: Literal["cpu", "gpu", "live"] = "cpu"
    revision: int | None = None
    target: str = ""
    params: dict = field(default_factory=dict)
    id: int = field(default_factory=lambda: next(_job_ids))


def run_to_completion(task: Task, cancel: CancelToken | None = None,
                      on_progress: Callable[[Progress], None] | None = None) -> Any:
    """Run a task synchronously (CLI, tests) and return its result."""
    gen = task(cancel or CancelToken())
    while True:
        try:
            item = next(gen)
        except StopIteration as stop:
            return stop.value
        if isinstance(item, Progress) and on_progress:
            on_progress(item)

"""Importing torch for the first time on a thread of its own, never on a pool thread.

Why: torch's bindings (pybind11) remember the Python thread state of the
thread that first imports torch.  PySide6 gives a QThreadPool thread a fresh
thread state for every QRunnable it runs and deletes it afterwards, so if a
pool thread imports torch, the remembered state dangles, and the next job on
that same thread that enters torch's C++ code waits forever for the GIL
(pybind11 issue #2888).  The GPU lane is one reused thread: its second model
job froze the whole application.  A short-lived thread that imports torch
and exits leaves no thread that can reuse the stale state.

Call `ensure_torch_imported()` at the start of any task that imports torch.
"""

from __future__ import annotations

import importlib
import sys
import threading

_lock = threading.Lock()


def ensure_torch_imported() -> None:
    """Import torch (once per process) on a new thread and wait for it.

    Re-raises the import's exception (e.g. a broken installation) in the caller.
    """
    if "torch" in sys.modules:  # imported, or being imported (the import lock waits for it)
        return
    with _lock:
        if "torch" in sys.modules:
            return
        failures: list[BaseException] = []

        def load() -> None:
            try:
                importlib.import_module("torch")
            except BaseException as exc:  # handed to the waiting caller
                failures.append(exc)

        thread = threading.Thread(target=load, name="import-torch")
        thread.start()
        thread.join()
        if failures:
            raise failures[0]

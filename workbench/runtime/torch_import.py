"""Importing torch for the first time from a worker thread, safely.

Why: torch's bindings (pybind11) remember the Python thread state of the
thread that first imports torch.  PySide6 gives a QThreadPool thread a fresh
thread state for every QRunnable it runs and deletes it afterwards, so if a
pool thread imports torch, the remembered state dangles, and the next job on
that same thread that enters torch's C++ code waits forever for the GIL
(pybind11 issue #2888).  The GPU lane is one reused thread: its second model
job froze the whole application.

The fix: before that first import, the importing thread takes one more hold
on its own thread state (PyGILState_Ensure, never released), so the state
outlives the job and every later job on that thread gets the very same
state, the one torch remembered.  That costs one thread state for the life of
one pool thread.  (Importing on a short-lived helper thread instead would
register a dummy threading.Thread for the pool thread, which never goes away.)

The pinned state dies with nothing when its thread ends (QThreadPool retires
an idle thread after 30 s, and a runner's threads end with it): pybind11 keeps
the importing thread's state in that thread's own thread-local slot, so no
other thread ever sees it, and a fresh pool thread simply gets a fresh state
(checked 2026-12: torch imported on a pool thread that was then retired, then
torch._dynamo and an optimizer step on a new pool thread, ran fine).  So the
lanes may let their threads expire.

The runner calls `ensure_torch_imported()` before every model-lane job; a CPU
job that imports torch should call it first too.
"""

from __future__ import annotations

import ctypes
import importlib
import sys
import threading

_lock = threading.Lock()


def ensure_torch_imported() -> None:
    """Import torch once per process, pinning the importing thread's Python state."""
    if "torch" in sys.modules:  # imported, or being imported (the import lock waits for it)
        return
    with _lock:
        if "torch" in sys.modules:
            return
        if threading.get_ident() != threading.main_thread().ident:
            ctypes.pythonapi.PyGILState_Ensure()  # deliberately never released: see above
        importlib.import_module("torch")

"""A tiny observer list for core objects, which may not use Qt signals.

Callbacks run synchronously in the emitting thread.  Core objects are owned
by the GUI thread, so in practice views are called on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Event:
    """Subscribers get every `emit(*args)` in the order they connected."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any]) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[..., Any]) -> None:
        self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        for cb in list(self._callbacks):
            cb(*args)

"""Listening to core events (workbench.core.events.Event) from Qt objects.

Core objects (documents, histories) often outlive the widgets that draw them:
a closed tab's view is deleted while its document lives on in the undo
history or a clipboard.  A callback left subscribed would then call into a
deleted C++ object.  `subscribe_while_alive` ties the subscription to the
widget's lifetime.  GUI thread only.
"""

from __future__ import annotations

import contextlib
import inspect
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from workbench.core.events import Event


def subscribe_while_alive(owner: QObject, event: Event,
                          callback: Callable[..., Any]) -> Callable[[], None]:
    """Connect `callback` to `event` until `owner` is destroyed.

    Returns a function that disconnects earlier (calling it twice is harmless).
    """
    event.connect(callback)
    # Only weak references in the closure: Qt keeps the `destroyed` connection
    # where the garbage collector cannot see it, and a strong reference to the
    # event (and through it the document) would keep a closed document alive.
    event_ref = weakref.ref(event)
    callback_ref = (weakref.WeakMethod(callback) if inspect.ismethod(callback)
                    else (lambda: callback))

    def unsubscribe(*_args: object) -> None:
        ev, cb = event_ref(), callback_ref()
        if ev is not None and cb is not None:
            with contextlib.suppress(ValueError):  # already disconnected
                ev.disconnect(cb)

    owner.destroyed.connect(unsubscribe)
    return unsubscribe

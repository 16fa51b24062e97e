"""Listening to core events (workbench.core.events.Event) from Qt objects.

Core objects (documents, histories) often outlive the widgets that draw them:
a closed tab's view is deleted while its document lives on in the undo
history or a clipboard.  A callback left subscribed would then call into a
deleted C++ object.  `subscribe_while_alive` ties the subscription to the
widget's lifetime.  GUI thread only.
"""

from __future__ import annotations

import contextlib
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

    def unsubscribe(*_args: object) -> None:
        with contextlib.suppress(ValueError):  # already disconnected
            event.disconnect(callback)

    owner.destroyed.connect(unsubscribe)
    return unsubscribe

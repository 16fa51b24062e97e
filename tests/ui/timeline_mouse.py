"""Real mouse gestures on a DocumentView's timeline, at view (time, value) coordinates.

Events go to the GraphicsLayoutWidget's viewport, so pyqtgraph's scene turns
them into drags and clicks exactly as it does for a user.
"""

from __future__ import annotations

import numpy as np
import soundfile as sf
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

LEFT = Qt.MouseButton.LeftButton
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
MOVE_STEPS = 6


def viewport_pos(view, plot, t: float, y: float):
    """Where time `t`, value `y` of `plot` is on the timeline's viewport (a QPoint)."""
    return view.timeline.mapFromScene(plot.vb.mapViewToScene(QPointF(t, y)))


def drag(qtbot, view, plot, t0: float, t1: float, y: float = 0.0,
         modifier=NO_MODIFIER, end_plot=None, end_y: float | None = None) -> None:
    """Press at t0 in `plot`, move in steps, release at t1 (in `end_plot` if given)."""
    viewport = view.timeline.viewport()
    start = viewport_pos(view, plot, t0, y)
    end = viewport_pos(view, end_plot or plot, t1, y if end_y is None else end_y)
    qtbot.mousePress(viewport, LEFT, modifier, start)
    for i in range(1, MOVE_STEPS + 1):
        move_with_button(viewport, start + (end - start) * (i / MOVE_STEPS), modifier)
    qtbot.mouseRelease(viewport, LEFT, modifier, end)


def move_with_button(widget, pos, modifier=NO_MODIFIER) -> None:
    """A mouse move with the left button held and `modifier` down (qtbot's has no modifier)."""
    local = QPointF(pos)
    event = QMouseEvent(QEvent.Type.MouseMove, local, QPointF(widget.mapToGlobal(pos)),
                        Qt.MouseButton.NoButton, LEFT, modifier)
    QApplication.sendEvent(widget, event)


def click(qtbot, view, plot, t: float, y: float = 0.0, modifier=NO_MODIFIER,
          button=LEFT) -> None:
    qtbot.mouseClick(view.timeline.viewport(), button, modifier, viewport_pos(view, plot, t, y))


def double_click(qtbot, view, plot, t: float, y: float = 0.0) -> None:
    """Press, release, double-click, release: what a mouse sends (QTest's alone sends no
    release after the double-click, and pyqtgraph reports clicks on release)."""
    viewport, pos = view.timeline.viewport(), viewport_pos(view, plot, t, y)
    qtbot.mouseClick(viewport, LEFT, NO_MODIFIER, pos)
    qtbot.mouseDClick(viewport, LEFT, NO_MODIFIER, pos)
    qtbot.mouseRelease(viewport, LEFT, NO_MODIFIER, pos)


def write_ramp_file(path, seconds: float = 2.0, rate: int = 8000, channels: int = 2):
    """A float WAV whose samples say where they are: channel c at frame i is (i + 1) * 1e-5 * (c + 1)."""
    frames = int(seconds * rate)
    ramp = (np.arange(frames, dtype=np.float64) + 1) * 1e-5
    data = np.stack([ramp * (c + 1) for c in range(channels)], axis=1).astype(np.float32)
    sf.write(path, data, rate, subtype="FLOAT")
    return data

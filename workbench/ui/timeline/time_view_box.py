"""The ViewBox every timeline plot shares: wheel zoom and pan, drag to select.

Ctrl+wheel zooms time around the pointer, Shift+wheel (or a horizontal
wheel) pans, a plain drag with the left button selects a time range (the
drag is reported, not drawn: the document view owns the selection).
pyqtgraph's own drag-to-pan and wheel-zoom are off so the mouse means the
same thing in every view, as in Audacity.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

ZOOM_STEP = 1.25  # per wheel notch (120 units)


class TimeViewBox(pg.ViewBox):
    """A ViewBox whose x axis is time in seconds.

    GUI thread only.  A drag reports where it started and where the pointer
    is now (unsorted, so the receiver knows which end moves), whether it has
    finished, the keyboard modifiers held when it started, and the pointer's
    scene position (to find the row under it).
    """

    drag_selected = Signal(float, float, bool, object, object)
    # origin s, pointer s, finished, Qt.KeyboardModifiers at the start, scene QPointF
    clicked_at = Signal(float, object)  # time s, Qt.KeyboardModifiers
    point_clicked = Signal(float, float)  # time s, y value (rows whose y means something)
    double_clicked_at = Signal(float, object)  # time s, Qt.KeyboardModifiers
    zoom_requested = Signal(float, float)  # factor (>1 zooms in), anchor time s
    pan_requested = Signal(float)  # fraction of the visible width (+ = later)

    def __init__(self, **kwargs) -> None:
        # No pyqtgraph context menu, never made: a ViewBoxMenu made and then dropped is an
        # orphaned QMenu that the garbage collector frees later, a known PySide crash.
        super().__init__(enableMenu=False, enableMouse=False, **kwargs)
        self._drag_origin: float | None = None
        self._drag_modifiers = Qt.KeyboardModifier.NoModifier

    def wheelEvent(self, ev, axis=None) -> None:  # noqa: N802 (Qt override)
        mods = ev.modifiers()
        delta = ev.delta() if hasattr(ev, "delta") else ev.angleDelta().y()
        if ev.orientation() == Qt.Orientation.Horizontal:
            self.pan_requested.emit(-delta / 120 * 0.1)
        elif mods & Qt.KeyboardModifier.ControlModifier:
            anchor = self.mapSceneToView(ev.scenePos()).x()
            self.zoom_requested.emit(ZOOM_STEP ** (delta / 120), anchor)
        elif mods & Qt.KeyboardModifier.ShiftModifier:
            self.pan_requested.emit(-delta / 120 * 0.1)
        else:
            ev.ignore()
            return
        ev.accept()

    def mouseDragEvent(self, ev, axis=None) -> None:  # noqa: N802 (Qt override)
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        t = self.mapSceneToView(ev.scenePos()).x()
        if ev.isStart():
            self._drag_origin = self.mapSceneToView(ev.buttonDownScenePos()).x()
            self._drag_modifiers = ev.modifiers()
        if self._drag_origin is None:
            return
        self.drag_selected.emit(self._drag_origin, t, bool(ev.isFinish()),
                                self._drag_modifiers, ev.scenePos())
        if ev.isFinish():
            self._drag_origin = None

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 (Qt override)
        if ev.button() == Qt.MouseButton.LeftButton:
            ev.accept()
            t = self.mapSceneToView(ev.scenePos()).x()
            if ev.double():
                self.double_clicked_at.emit(t, ev.modifiers())
            else:
                self.clicked_at.emit(t, ev.modifiers())
                self.point_clicked.emit(t, self.mapSceneToView(ev.scenePos()).y())
        else:
            ev.ignore()

"""A lesson's pointer: a bright frame around timeline rows or panels, for one step."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QDockWidget, QWidget

from workbench.core.lessons.directives import TIMELINE_ROWS

COLOR = (255, 196, 0)
WIDTH = 3


class _Frame(QWidget):
    """Draws a frame over its parent and lets every click through."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setGeometry(parent.rect())
        self.show()
        self.raise_()

    def paintEvent(self, _event) -> None:  # noqa: N802
        # `with`: the painter ends here even if painting raises (see level_meter.py).
        with QPainter(self) as painter:
            painter.setPen(QPen(QColor(*COLOR), WIDTH))
            painter.drawRect(self.rect().adjusted(1, 1, -2, -2))


class WidgetHighlight(QObject):
    """Frames `targets` (point directive names) until `remove()`.  GUI thread only.

    Timeline rows (`rows` maps a row name to its plots; a row not there yet is
    left out) get a border on their view box; panels (docks found by object name
    under `window`) get a frame drawn over them that follows their size.
    """

    def __init__(self, window: QWidget, rows: dict[str, list[pg.PlotItem]],
                 targets: tuple[str, ...]) -> None:
        super().__init__(window)
        self.targets = targets
        self.boxes: list[tuple[pg.ViewBox, object]] = []  # (box, its border before)
        self.frames: dict[QWidget, _Frame] = {}
        for name in targets:
            if name in TIMELINE_ROWS:
                self._border([p.vb for p in rows.get(name, ())])
            elif (dock := window.findChild(QDockWidget, name)) is not None:
                self.frames[dock] = _Frame(dock)
                dock.installEventFilter(self)

    def _border(self, boxes: list[pg.ViewBox]) -> None:
        for box in boxes:
            self.boxes.append((box, box.border))
            box.setBorder(pg.mkPen(*COLOR, width=WIDTH))

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        frame = self.frames.get(watched)
        if frame is not None and event.type() == QEvent.Type.Resize:
            frame.setGeometry(watched.rect())
        return False

    def remove(self) -> None:
        for box, border in self.boxes:
            box.setBorder(border)
        self.boxes.clear()
        for dock, frame in self.frames.items():
            dock.removeEventFilter(self)
            frame.deleteLater()
        self.frames.clear()
        self.deleteLater()

"""The whole file at a glance, with the visible range as a draggable band."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal

from workbench.core.analysis.peaks import sequence_columns
from workbench.core.document.document import Document


class OverviewStrip(pg.PlotWidget):
    """Drag the band (or click anywhere) to move the main view; emits `range_dragged`."""

    range_dragged = Signal(float, float)

    def __init__(self, document: Document, parent=None) -> None:
        super().__init__(parent=parent, enableMenu=False)  # no menu made (see TimeViewBox)
        self.document = document
        self.setFixedHeight(56)
        self.hideButtons()
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        for axis in ("left", "bottom"):
            self.hideAxis(axis)
        self.setYRange(-1, 1, padding=0)
        self.curve = pg.PlotCurveItem(pen=pg.mkPen((120, 140, 160)), connect="finite")
        self.addItem(self.curve)
        self.band = pg.LinearRegionItem(brush=pg.mkBrush(255, 210, 80, 35),
                                        pen=pg.mkPen(255, 210, 80, 160))
        self.band.setZValue(10)
        self.addItem(self.band)
        self._updating = False
        self.band.sigRegionChanged.connect(self._on_band_changed)
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.getViewBox().sigResized.connect(self.redraw)

    def redraw(self, *_args) -> None:
        doc = self.document
        width = max(1, int(self.getViewBox().width()))
        duration = max(doc.duration, 1e-9)
        self.setXRange(0, duration, padding=0)
        lo_all, hi_all = [], []
        for track in doc.tracks:
            if track.samples.frames == 0:
                continue
            lo, hi = sequence_columns(track.samples, 0, track.samples.frames, width)
            lo_all.append(np.fmin.reduce(lo, axis=1))  # NaN (not yet read) stays NaN
            hi_all.append(np.fmax.reduce(hi, axis=1))
        if not lo_all:
            self.curve.setData([], [])
            return
        lo, hi = np.fmin.reduce(lo_all), np.fmax.reduce(hi_all)
        x = np.repeat((np.arange(width) + 0.5) / width * duration, 2)
        y = np.empty(2 * width, np.float32)
        y[0::2], y[1::2] = lo, hi
        self.curve.setData(x, y)

    def show_range(self, t0: float, t1: float) -> None:
        """Move the band to the main view's range without echoing it back."""
        self._updating = True
        self.band.setRegion((t0, t1))
        self._updating = False

    def _on_band_changed(self) -> None:
        if not self._updating:
            t0, t1 = self.band.getRegion()
            self.range_dragged.emit(t0, t1)

    def _on_scene_clicked(self, ev) -> None:
        t = self.getViewBox().mapSceneToView(ev.scenePos()).x()
        t0, t1 = self.band.getRegion()
        half = (t1 - t0) / 2
        self.range_dragged.emit(t - half, t + half)

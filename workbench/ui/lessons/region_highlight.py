"""A lesson's highlight: one time stretch marked on every waveform and the spectrogram."""

from __future__ import annotations

import pyqtgraph as pg

from workbench.ui.timeline.document_view import DocumentView

BRUSH = (255, 196, 0, 45)
PEN = (255, 196, 0, 220)
Z_VALUE = 25  # above the selection shading, so the student sees it over a selection


class RegionHighlight:
    """Marks [start, end] seconds on `view`'s rows until `remove()`.  GUI thread only."""

    def __init__(self, view: DocumentView, span: tuple[float, float]) -> None:
        self.view, self.span = view, span
        self.items: list[tuple[pg.PlotItem, pg.LinearRegionItem]] = []
        for plot in (*view.waveforms, view.spectrogram):
            item = pg.LinearRegionItem(values=span, movable=False, brush=pg.mkBrush(*BRUSH),
                                       pen=pg.mkPen(*PEN, width=2))
            item.setZValue(Z_VALUE)
            plot.addItem(item, ignoreBounds=True)
            self.items.append((plot, item))

    def remove(self) -> None:
        for plot, item in self.items:
            plot.removeItem(item)
        self.items.clear()

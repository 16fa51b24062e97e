"""One channel's waveform, drawn from exact min/max columns of the visible range.

Zoomed out, every screen column shows the min and max of the frames it covers
(from the source's PeakPyramid); zoomed in to fewer than two frames per pixel,
the samples themselves are drawn as a line, with dots when they are far apart.
Runs on the GUI thread; a redraw costs a pyramid query of ~width cells.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from workbench.core.analysis.peaks import sequence_columns
from workbench.core.document.document import Document

WAVE_COLOR = (70, 160, 230)
DOTS_BELOW_FRAMES_PER_PIXEL = 0.2


def quiet_axes(plot: pg.PlotItem) -> None:
    """Stop every axis of `plot` re-rendering its (HTML) label on each range change.

    pyqtgraph re-typesets an axis label whenever the range moves if the axis picks
    SI prefixes itself, hidden axes included; that was a tenth of a pan frame.
    """
    for name in ("left", "right", "top", "bottom"):
        plot.getAxis(name).enableAutoSIPrefix(False)


class WaveformView(pg.PlotItem):
    """Draws channel `channel` of track `track` of a document."""

    def __init__(self, document: Document, track: int, channel: int, view_box, **kwargs) -> None:
        super().__init__(viewBox=view_box, **kwargs)
        self.document, self.track, self.channel = document, track, channel
        self.hideButtons()
        self.setMenuEnabled(False)
        self.hideAxis("bottom")
        quiet_axes(self)
        self.setYRange(-1.0, 1.0, padding=0.02)
        # Ticks inside the range only: +-1.0 labels of stacked channels would collide.
        self.getAxis("left").setTicks([[(v, f"{v:g}") for v in (-0.5, 0.0, 0.5)]])
        self.addLine(y=0, pen=pg.mkPen((90, 90, 90), width=1))
        self.curve = pg.PlotCurveItem(pen=pg.mkPen(WAVE_COLOR, width=1), connect="finite",
                                      skipFiniteCheck=False)
        self.dots = pg.ScatterPlotItem(size=4, brush=pg.mkBrush(WAVE_COLOR), pen=None)
        self.addItem(self.curve)
        self.addItem(self.dots)
        self.vb.sigXRangeChanged.connect(self.redraw)
        self.vb.sigResized.connect(self.redraw)
        self.columns_drawn = 0  # how many columns the last redraw produced (tests, bench)

    def set_channel_label(self, text: str) -> None:
        self.setLabel("left", text)

    def redraw(self, *_args) -> None:
        doc = self.document
        samples = doc.tracks[self.track].samples
        width = max(1, int(self.vb.width()))
        (t0, t1) = self.vb.viewRange()[0]
        rate = doc.sample_rate
        start = max(0, int(np.floor(t0 * rate)))
        stop = min(samples.frames, int(np.ceil(t1 * rate)) + 1)
        if stop <= start:
            self.curve.setData([], [])
            self._clear_dots()
            self.columns_drawn = 0
            return
        if (stop - start) / width < 2:
            self._draw_samples(samples.read(start, stop)[:, self.channel], start, rate, width)
        else:
            self._draw_columns(samples, start, stop, width, rate)

    def _draw_columns(self, samples, start, stop, width, rate) -> None:
        lo, hi = sequence_columns(samples, start, stop, width)
        edges = np.linspace(start, stop, width + 1) / rate
        x = np.repeat((edges[:-1] + edges[1:]) / 2, 2)
        y = np.empty(2 * width, np.float32)
        y[0::2], y[1::2] = lo[:, self.channel], hi[:, self.channel]
        self.curve.setData(x, y)
        self._clear_dots()
        self.columns_drawn = width

    def _clear_dots(self) -> None:
        if len(self.dots.data):  # clearing an empty scatter still costs a rebuild
            self.dots.setData([], [])

    def _draw_samples(self, values, start, rate, width) -> None:
        x = (start + np.arange(len(values))) / rate
        self.curve.setData(x, values)
        if len(values) / width < DOTS_BELOW_FRAMES_PER_PIXEL:
            self.dots.setData(x, values)
        else:
            self._clear_dots()
        self.columns_drawn = len(values)

"""Original, enhanced and residual spectrograms as three timeline rows.

Each row is a plot on the document view's shared time axis (so it pans,
zooms and shows the selection with the rest of the timeline) holding one
image over the reviewed span, computed with the spectrogram tiles' code
(core.analysis.spectrogram.compute_tile) in the view's settings and colours.
The row being heard is marked.

GUI thread only.  The rows own their plots; they add themselves to the
DocumentView and take themselves out with `remove()`.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from workbench.core.analysis.colormaps import colormap_lut
from workbench.core.analysis.spectrogram import compute_tile
from workbench.core.audio.blocks import BlockSequence
from workbench.ui.models.enhancer.enhancer_review import SOURCES, EnhancerReview

MAX_COLUMNS = 1200  # enough for a full-width row; a long span takes a coarser hop
TITLES = {"original": "Original", "enhanced": "Enhanced", "residual": "Residual"}
HEARD_COLOUR, IDLE_COLOUR = "#ffd54f", "#9aa0a6"


def span_image(samples: np.ndarray, sample_rate: int, settings) -> tuple[np.ndarray, int]:
    """uint8 levels (columns, rows) of `samples` and the hop they were computed at."""
    frames = len(samples)
    hop = max(settings.hop // 4, math.ceil(frames / MAX_COLUMNS), 1)
    columns = max(1, frames // hop)
    tile = compute_tile(BlockSequence.from_array(samples), sample_rate, settings, hop, 0,
                        columns)
    return tile, hop


class EnhancerRows:
    """Three spectrogram rows of `review` under `view`'s spectrogram (see module doc)."""

    def __init__(self, view, review: EnhancerReview) -> None:
        self.view, self.review = view, review
        self.plots: dict[str, pg.PlotItem] = {}
        self.images: dict[str, pg.ImageItem] = {}
        for source in SOURCES:
            plot = pg.PlotItem(viewBox=view.new_time_view_box())
            plot.hideButtons()
            plot.setMenuEnabled(False)
            image = pg.ImageItem(axisOrder="col-major")
            plot.addItem(image)
            plot.getAxis("left").setStyle(showValues=False)
            self.plots[source], self.images[source] = plot, image
            view.add_timeline_row(plot, stretch=1)
        self.show_heard("original")
        review.changed.connect(self.redraw)
        self.redraw()

    def redraw(self) -> None:
        settings = self.view.spectrogram.settings
        lut = colormap_lut(settings.colormap)
        rate, start = self.review.sample_rate, self.review.job.start / self.review.sample_rate
        for source in SOURCES:
            tile, hop = span_image(self.review.version(source), rate, settings)
            image = self.images[source]
            image.setImage(tile, autoLevels=False, levels=(0, 255))
            image.setLookupTable(lut)
            image.setRect(start - 0.5 * hop / rate, 0, len(tile) * hop / rate, settings.rows)
            self.plots[source].setYRange(0, settings.rows, padding=0)

    def show_heard(self, heard: str) -> None:
        for source, plot in self.plots.items():
            colour = HEARD_COLOUR if source == heard else IDLE_COLOUR
            mark = " ◀ heard" if source == heard else ""
            plot.getAxis("left").setLabel(TITLES[source] + mark, color=colour)

    def remove(self) -> None:
        self.review.changed.disconnect(self.redraw)
        for plot in self.plots.values():
            self.view.remove_timeline_row(plot)
            plot.deleteLater()
        self.plots.clear()

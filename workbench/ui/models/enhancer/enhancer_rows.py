"""Original, enhanced and residual spectrograms, and the applied gain, as timeline rows.

Each row is a plot on the document view's shared time axis (so it pans,
zooms and shows the selection with the rest of the timeline) holding one
image over the reviewed span, computed with the spectrogram tiles' code
(core.analysis.enhancement_review.review_images_task) in the view's settings
and colours, on the runner's CPU pool (a newer mix cancels an older drawing).
The row being heard is marked.  The fourth row is the gain the enhancer
applied per time-frequency cell (core.analysis.enhancement_review.gain_image_db,
dark: suppressed, blank: too quiet to say); hovering shows the gain under the pointer.

GUI thread only.  The rows own their plots and their drawing job; they add themselves to the
DocumentView and take themselves out with `remove()`.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from workbench.core.analysis.colormaps import colormap_lut
from workbench.core.analysis.enhancement_review import (
    GAIN_RANGE_DB,
    ReviewImages,
    review_images_task,
)
from workbench.core.analysis.spectrogram import row_to_frequency
from workbench.core.jobs import JobRequest
from workbench.runtime.job_runner import JobRunner
from workbench.ui.models.enhancer.enhancer_review import SOURCES, EnhancerReview
from workbench.ui.timeline.spectrogram_view import TILE_JOB_KIND

TITLES = {"original": "Original", "enhanced": "Enhanced", "residual": "Residual",
          "gain": "Gain (dB)"}
ROWS = (*SOURCES, "gain")
GAIN_COLORMAP = "viridis"
HEARD_COLOUR, IDLE_COLOUR = "#ffd54f", "#9aa0a6"


class EnhancerRows:
    """The review's four rows under `view`'s spectrogram (see the module docstring)."""

    def __init__(self, view, review: EnhancerReview, runner: JobRunner) -> None:
        self.view, self.review, self.runner = view, review, runner
        self.pending = None  # the JobHandle drawing the images, while it runs
        self.plots: dict[str, pg.PlotItem] = {}
        self.images: dict[str, pg.ImageItem] = {}
        self.gain: np.ndarray | None = None  # (columns, rows) dB, on the images' grid
        self._grid = (0.0, 1.0)  # (time of column 0's left edge, seconds per column)
        self.hover_text = ""
        for source in ROWS:
            plot = pg.PlotItem(viewBox=view.new_time_view_box())
            plot.hideButtons()
            plot.setMenuEnabled(False)
            image = pg.ImageItem(axisOrder="col-major")
            plot.addItem(image)
            plot.getAxis("left").setStyle(showValues=False)
            self.plots[source], self.images[source] = plot, image
            view.add_timeline_row(plot, stretch=1)
        self.hover_label = pg.TextItem(color="w", fill=pg.mkBrush(0, 0, 0, 170), anchor=(0, 1))
        self.hover_label.hide()
        self.plots["gain"].addItem(self.hover_label, ignoreBounds=True)
        self.plots["gain"].getAxis("left").setLabel(TITLES["gain"], color=IDLE_COLOUR)
        self.show_heard("original")
        review.changed.connect(self.redraw)
        view.timeline.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.redraw()

    def redraw(self) -> None:
        """Compute the images of the review as it is now (in the background)."""
        if self.pending is not None:
            self.pending.cancel()
        versions = {source: self.review.version(source) for source in SOURCES}
        request = JobRequest(TILE_JOB_KIND, "Enhancer review images", lane="cpu")
        handle = self.runner.submit(request, review_images_task(
            versions, self.review.sample_rate, self.view.spectrogram.settings))
        handle.finished.connect(lambda images, h=handle: self._on_images_finished(h, images))
        self.pending = handle

    def _on_images_finished(self, handle, images: ReviewImages) -> None:
        if handle is not self.pending or not self.plots:
            return  # superseded, or the rows were removed meanwhile
        self.pending = None
        settings = self.view.spectrogram.settings
        rate, hop = self.review.sample_rate, images.hop
        left = self.review.job.start / rate - 0.5 * hop / rate
        for source in ROWS:
            data = images.gain if source == "gain" else images.levels[source]
            image = self.images[source]
            levels = GAIN_RANGE_DB if source == "gain" else (0, 255)
            image.setImage(data, autoLevels=False, levels=levels)
            image.setLookupTable(colormap_lut(
                GAIN_COLORMAP if source == "gain" else settings.colormap))
            image.setRect(left, 0, len(data) * hop / rate, settings.rows)
            self.plots[source].setYRange(0, settings.rows, padding=0)
        self.gain = images.gain
        self._grid = (left, hop / rate)

    def gain_at(self, time_s: float, row: float) -> float | None:
        """The gain (dB) drawn at `time_s` and image row `row`; None off the image."""
        if self.gain is None:
            return None
        column = int(np.floor((time_s - self._grid[0]) / self._grid[1]))
        if not (0 <= column < self.gain.shape[0] and 0 <= row < self.gain.shape[1]):
            return None
        gain = float(self.gain[column, int(row)])
        return None if np.isnan(gain) else gain

    def hover(self, time_s: float, row: float) -> str:
        """Show (and return) the gain at a point of the gain row: "1.25 s, 440 Hz: -12.0 dB"."""
        gain = self.gain_at(time_s, row)
        if gain is None:
            self.hover_label.hide()
            self.hover_text = ""
            return ""
        settings = self.view.spectrogram.settings
        hz = row_to_frequency(row, settings, self.review.sample_rate)
        self.hover_text = f"{time_s:.2f} s, {hz:.0f} Hz: gain {gain:+.1f} dB"
        self.hover_label.setText(self.hover_text)
        self.hover_label.setPos(time_s, row)
        self.hover_label.show()
        return self.hover_text

    def _on_scene_mouse_moved(self, pos) -> None:
        plot = self.plots.get("gain")
        if plot is None:
            return
        if not plot.vb.sceneBoundingRect().contains(pos):
            if self.hover_label.isVisible():
                self.hover_label.hide()
            return
        point = plot.vb.mapSceneToView(pos)
        self.hover(point.x(), point.y())

    def show_heard(self, heard: str) -> None:
        for source in SOURCES:
            plot = self.plots[source]
            colour = HEARD_COLOUR if source == heard else IDLE_COLOUR
            mark = " ◀ heard" if source == heard else ""
            plot.getAxis("left").setLabel(TITLES[source] + mark, color=colour)

    def remove(self) -> None:
        if self.pending is not None:
            self.pending.cancel()
            self.pending = None
        self.review.changed.disconnect(self.redraw)
        for plot in self.plots.values():
            self.view.remove_timeline_row(plot)
            plot.deleteLater()
        self.plots.clear()

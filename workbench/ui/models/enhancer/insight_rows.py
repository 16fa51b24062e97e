"""Inside the enhancer: its predicted mask and its GRU state, as rows under the review.

The mask row is an image on the spectrogram's row grid (each row shows the STFT
bin of the model nearest that row's frequency, so it lines up with the
spectrogram on every frequency scale; rows above the model's Nyquist frequency
stay blank), gain 0 dark to 1 bright.  The state row is a heatmap of the top GRU
layer's units (one image row per unit) over the same frames, blue negative, red
positive.  Hovering either row writes what is under the pointer into it: "1.25 s,
440 Hz: mask 0.32 (-9.9 dB)" or "1.25 s, unit 17: +0.53".

GUI thread only.  The rows own their plots; they add themselves to the DocumentView
hidden, show themselves with `show_insight`, and take themselves out with `remove()`.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from workbench.core.analysis.colormaps import colormap_lut
from workbench.core.analysis.enhancer_insight import EnhancerInsight, gain_text
from workbench.core.analysis.spectrogram import row_to_frequency

MASK_COLORMAP = "viridis"
TITLE_COLOUR = "#9aa0a6"


def diverging_lut() -> np.ndarray:
    """Blue (-1) through near-white (0) to red (+1), 256 x 3 uint8."""
    x = np.linspace(-1.0, 1.0, 256)[:, None]
    blue, white, red = np.array([40, 80, 200.0]), np.array([235, 235, 235.0]), \
        np.array([200, 50, 40.0])
    rgb = np.where(x < 0, white + (blue - white) * -x, white + (red - white) * x)
    return np.clip(np.round(rgb), 0, 255).astype(np.uint8)


class EnhancerInsightRows:
    """The mask and GRU state rows of one review on `view` (see the module docstring)."""

    def __init__(self, view) -> None:
        self.view = view
        self.insight: EnhancerInsight | None = None
        self.hover_text = ""
        self.mask_plot = self._row("Mask")
        self.state_plot = self._row("GRU state")
        self.mask_image = pg.ImageItem(axisOrder="col-major")
        self.mask_image.setLookupTable(colormap_lut(MASK_COLORMAP))
        self.state_image = pg.ImageItem(axisOrder="col-major")
        self.state_image.setLookupTable(diverging_lut())
        self.mask_plot.addItem(self.mask_image)
        self.state_plot.addItem(self.state_image)
        self.labels = {}
        for plot in (self.mask_plot, self.state_plot):
            label = pg.TextItem(color="w", fill=pg.mkBrush(0, 0, 0, 170), anchor=(0, 1))
            label.hide()
            plot.addItem(label, ignoreBounds=True)
            self.labels[plot] = label
        view.timeline.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)

    def _row(self, title: str) -> pg.PlotItem:
        plot = pg.PlotItem(viewBox=self.view.new_time_view_box())
        plot.hideButtons()
        plot.setMenuEnabled(False)
        plot.getAxis("left").setStyle(showValues=False)
        plot.getAxis("left").setLabel(title, color=TITLE_COLOUR)
        plot.setVisible(False)
        self.view.add_timeline_row(plot, stretch=1)
        return plot

    @property
    def settings(self):
        return self.view.spectrogram.settings

    def show_insight(self, insight: EnhancerInsight) -> None:
        """Draw `insight` and show both rows."""
        self.insight = insight
        width = insight.frames * insight.seconds_per_frame
        mask = insight.mask_rows(self.settings, self.view.document.sample_rate)
        self.mask_image.setImage(mask, autoLevels=False, levels=(0, 255))
        self.mask_image.setRect(insight.start, 0, width, mask.shape[1])
        self.mask_plot.setYRange(0, self.settings.rows, padding=0)
        self.state_image.setImage(insight.hidden.astype(np.float32), autoLevels=False,
                                  levels=(-1.0, 1.0))
        self.state_image.setRect(insight.start, 0, width, insight.units)
        self.state_plot.setYRange(0, insight.units, padding=0)
        self.state_plot.setToolTip(f"The top GRU layer's {insight.units} units over time")
        self.mask_plot.setVisible(True)
        self.state_plot.setVisible(True)

    def mask_hover(self, time_s: float, row: float) -> str:
        """What the mask row says at `time_s` and spectrogram row `row` ("" off the mask)."""
        if self.insight is None or row < 0:
            return ""
        hz = row_to_frequency(row, self.settings, self.view.document.sample_rate)
        gain = self.insight.gain_at(time_s, hz)
        if gain is None:
            return ""
        return f"{time_s:.2f} s, {hz:.0f} Hz: mask {gain_text(gain)}"

    def state_hover(self, time_s: float, row: float) -> str:
        """What the state row says at `time_s` and image row `row` ("" off the heatmap)."""
        if self.insight is None or row < 0:
            return ""
        value = self.insight.state_at(time_s, int(row))
        return "" if value is None else f"{time_s:.2f} s, unit {int(row)}: {value:+.2f}"

    def _on_scene_mouse_moved(self, pos) -> None:
        for plot, text_at in ((self.mask_plot, self.mask_hover),
                              (self.state_plot, self.state_hover)):
            label = self.labels[plot]
            inside = plot.isVisible() and plot.vb.sceneBoundingRect().contains(pos)
            point = plot.vb.mapSceneToView(pos) if inside else None
            text = text_at(point.x(), point.y()) if inside else ""
            if text:
                self.hover_text = text
                label.setText(text)
                label.setPos(point.x(), point.y())
            label.setVisible(bool(text))

    def remove(self) -> None:
        self.view.timeline.scene().sigMouseMoved.disconnect(self._on_scene_mouse_moved)
        for plot in (self.mask_plot, self.state_plot):
            self.view.remove_timeline_row(plot)
            plot.deleteLater()
        self.insight = None

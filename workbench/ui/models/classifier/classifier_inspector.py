"""The classifier inspector dock: what the network saw in one window, and how it reacted.

For the inspected window (under the pointer while "Follow pointer" is on,
or the middle of a clicked segment) it shows the class probabilities of the
window on its own (bars) and, outlined, those the class row has at the nearest
classified window, where a context layer has also weighed its neighbours; the
log-mel input with the saliency of the chosen class beside it, the first
convolution layer's filters, and the feature maps of a chosen layer.  The
saliency can also be laid over the spectrogram (saliency_overlay.py).

GUI thread only.  The dock draws WindowInspection values it is given; the
ClassifierInspectionService (runtime) computes them.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.core.labels.class_colours import class_colour

MOST_LIKELY = "Most likely class"


def mosaic(maps: np.ndarray, gap: int = 1) -> np.ndarray:
    """Tile ``[n, h, w]`` maps into one image (a near-square grid), each scaled to [0, 1];
    gaps are NaN (drawn transparent)."""
    maps = np.asarray(maps, dtype=np.float64)
    n, h, w = maps.shape
    columns = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / columns))
    out = np.full((rows * (h + gap) - gap, columns * (w + gap) - gap), np.nan)
    for i, m in enumerate(maps):
        low, high = float(m.min()), float(m.max())
        scaled = (m - low) / (high - low) if high > low else np.zeros_like(m)
        r, c = divmod(i, columns)
        out[r * (h + gap): r * (h + gap) + h, c * (w + gap): c * (w + gap) + w] = scaled
    return out


def _image_plot(title: str) -> tuple[pg.PlotWidget, pg.ImageItem]:
    plot = pg.PlotWidget(title=title, enableMenu=False)  # no menu made (see TimeViewBox)
    plot.hideAxis("bottom")
    plot.hideAxis("left")
    plot.setMouseEnabled(x=False, y=False)
    image = pg.ImageItem()
    plot.addItem(image)
    return plot, image


# What the level gate decided (`WindowInspection.gate_verdict`), in words.
GATE_VERDICTS = {"silence": "silence by level", "not silence": "too loud for silence",
                 "network": "quiet on one side of the centre: the network decides"}


def gate_note(inspection) -> str:
    """How the level gate decided a window (empty without a gate)."""
    if inspection.gate_verdict is None:
        return ""
    whole, centre = inspection.levels_db[:2]
    return (f"; level {whole:.0f} dBFS, centre {centre:.0f}, gate {inspection.gate_dbfs:.0f}: "
            f"{GATE_VERDICTS[inspection.gate_verdict]}")

class ClassifierInspector(QWidget):
    """Shows WindowInspection values; emits what the user wants inspected next."""

    label_changed = Signal(object)  # class name, or None for the most likely one
    overlay_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inspection = None
        self.title = QLabel("Classify a recording, then point at it to look inside the "
                            "classifier.")
        self.class_box = QComboBox()
        self.class_box.addItem(MOST_LIKELY)
        self.follow_box = QCheckBox("Follow pointer")
        self.follow_box.setChecked(True)
        self.overlay_box = QCheckBox("Saliency on spectrogram")
        self.overlay_box.setChecked(True)
        self.layer_box = QSpinBox()
        self.layer_box.setPrefix("Layer ")
        self.layer_box.setRange(1, 1)
        controls = QHBoxLayout()
        for widget in (self.class_box, self.follow_box, self.overlay_box, self.layer_box):
            controls.addWidget(widget)
        controls.addStretch(1)
        self.probability_plot = pg.PlotWidget(title="Class probabilities", enableMenu=False)
        self.probability_plot.setMouseEnabled(x=False, y=False)
        self.probability_plot.setYRange(0.0, 1.0)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.7, brushes=[])
        self.probability_plot.addItem(self.bars)
        # Outlines: the class row's probabilities there (in context), over the bars (alone).
        self.context_bars = pg.BarGraphItem(x=[], height=[], width=0.85, brush=None,
                                            pen=pg.mkPen("w", width=1.5))
        self.probability_plot.addItem(self.context_bars)
        self.input_plot, self.input_image = _image_plot("Log-mel input")
        self.saliency_plot, self.saliency_image = _image_plot("Saliency")
        self.filters_plot, self.filters_image = _image_plot("First-layer filters")
        self.maps_plot, self.maps_image = _image_plot("Feature maps")
        grid = QGridLayout()
        for column, plot in enumerate((self.probability_plot, self.input_plot,
                                       self.saliency_plot, self.filters_plot, self.maps_plot)):
            grid.addWidget(plot, 0, column)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(controls)
        layout.addLayout(grid, 1)
        self.class_box.currentIndexChanged.connect(self._on_class_box_changed)
        self.overlay_box.toggled.connect(self.overlay_toggled)
        self.layer_box.valueChanged.connect(self._draw_feature_maps)

    @property
    def chosen_label(self) -> str | None:
        text = self.class_box.currentText()
        return None if text == MOST_LIKELY else text

    def set_labels(self, labels: tuple[str, ...]) -> None:
        """Offer ``labels`` in the class chooser (keeps the choice when still offered)."""
        current = self.class_box.currentText()
        self.class_box.blockSignals(True)
        self.class_box.clear()
        self.class_box.addItems([MOST_LIKELY, *labels])
        index = self.class_box.findText(current)
        self.class_box.setCurrentIndex(max(0, index))
        self.class_box.blockSignals(False)

    def show_inspection(self, inspection, in_context=None) -> None:
        """Draw a WindowInspection; ``in_context``: ``(start_s, probabilities)`` of the
        nearest window of the class row, or None when there is none to show."""
        self.inspection = inspection
        if self.class_box.count() != len(inspection.labels) + 1:
            self.set_labels(inspection.labels)
        best = inspection.labels[int(np.argmax(inspection.probabilities))]
        text = (f"Window {inspection.start_s:.2f}–{inspection.start_s + inspection.window_s:.2f}"
                f" s on its own: most likely {best} "
                f"({float(np.max(inspection.probabilities)):.2f}"
                f"{gate_note(inspection)})")
        heights = []
        if in_context is not None:
            start_s, heights = in_context
            top = int(np.argmax(heights))
            text += (f"; class row at {start_s:.2f} s, in context: {inspection.labels[top]} "
                     f"({float(heights[top]):.2f})")
        self.title.setText(f"{text}; saliency for {inspection.label}")
        self.context_bars.setOpts(x=np.arange(len(heights)), height=heights)
        count = len(inspection.labels)
        self.bars.setOpts(x=np.arange(count), height=inspection.probabilities,
                          brushes=[pg.mkBrush(*class_colour(lab, inspection.labels))
                                   for lab in inspection.labels])
        self.probability_plot.getAxis("bottom").setTicks(
            [[(i, lab) for i, lab in enumerate(inspection.labels)]])
        self.input_image.setImage(inspection.view.logmel.T, autoLevels=True)
        self._set_lut(self.input_image, "viridis")
        positive = np.clip(inspection.saliency, 0.0, None)
        self.saliency_image.setImage(positive.T, autoLevels=True)
        self._set_lut(self.saliency_image, "inferno")
        filters = inspection.filters  # [n, freq, time]: show time across, frequency up
        self.filters_image.setImage(mosaic(filters.transpose(0, 2, 1)), autoLevels=False,
                                    levels=(0.0, 1.0))
        self._set_lut(self.filters_image, "CET-D1")
        self.layer_box.setRange(1, len(inspection.feature_maps))
        self._draw_feature_maps()

    def _draw_feature_maps(self) -> None:
        if self.inspection is None:
            return
        layer = self.inspection.feature_maps[self.layer_box.value() - 1]
        self.maps_image.setImage(mosaic(layer.transpose(0, 2, 1)), autoLevels=False,
                                 levels=(0.0, 1.0))
        self._set_lut(self.maps_image, "viridis")
        self.maps_plot.setTitle(f"Feature maps, layer {self.layer_box.value()} "
                                f"({layer.shape[0]} channels)")

    @staticmethod
    def _set_lut(image: pg.ImageItem, name: str) -> None:
        image.setLookupTable(pg.colormap.get(name).getLookupTable(nPts=256))

    def _on_class_box_changed(self, _index: int) -> None:
        self.label_changed.emit(self.chosen_label)

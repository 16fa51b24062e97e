"""The recognizer's hidden state row: one recurrent layer's outputs over time.

An image with one row per unit and one column per 40 ms output frame, under the
posteriorgram on the document's shared time axis; blue is negative, orange
positive (GRU outputs lie in [-1, 1]).  A chooser at the row's top left picks the
layer and direction (forward or backward GRU).  Clicking a unit's row chooses it:
its activation is drawn as a line in a row of its own below (`UnitActivationRow`),
on the same time axis as the audio, and `unit_chosen(layer, direction, unit)` is
emitted.  Pointing at the image shows the unit, time and activation in the title.

GUI thread only.  The rows own their graphics items; the document view and the
states belong to others.  Both are hidden until they have something to show.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGraphicsProxyWidget

from workbench.core.analysis.recurrent_states import DIRECTIONS, RecurrentStates

UNIT_PEN = (255, 170, 60)
CHOSEN_PEN = (255, 255, 255, 160)


def activation_image(states: RecurrentStates, layer: int, direction: int) -> np.ndarray:
    """uint8 image ``[frames, units]``: -1 -> 0, 0 -> 128, +1 -> 255."""
    values = states.image(layer, direction)
    return np.clip(np.round((values + 1.0) * 127.5), 0, 255).astype(np.uint8)


def _lut() -> np.ndarray:
    """Blue (negative) through near black (zero) to orange (positive)."""
    x = np.linspace(-1.0, 1.0, 256)
    neg, pos = np.clip(-x, 0, 1), np.clip(x, 0, 1)
    rgb = np.stack([20 + 40 * neg + 235 * pos, 20 + 110 * neg + 150 * pos,
                    28 + 227 * neg + 12 * pos], axis=1)
    return np.clip(rgb, 0, 255).astype(np.uint8)


class UnitActivationRow(pg.PlotItem):
    """One unit's activation against time (see module doc)."""

    def __init__(self, view) -> None:
        super().__init__(viewBox=view.new_time_view_box())
        self.hideButtons()
        self.setMenuEnabled(False)
        self.addItem(pg.InfiniteLine(0.0, angle=0, pen=pg.mkPen((90, 90, 100))))
        self.curve = pg.PlotDataItem(pen=pg.mkPen(UNIT_PEN, width=1.5))
        self.addItem(self.curve)
        self.vb.setYRange(-1.0, 1.0, padding=0.05)
        self.getAxis("left").setTicks([[(-1.0, "-1"), (0.0, "0"), (1.0, "1")]])
        self.setMinimumHeight(70)
        self.setMaximumHeight(90)
        view.add_timeline_row(self, stretch=0)
        self.setVisible(False)

    def show_unit(self, states: RecurrentStates | None, layer: int = 0, direction: int = 0,
                  unit: int = 0) -> None:
        """Plot one unit's activation (None hides the row)."""
        self.setVisible(states is not None)
        if states is None:
            return
        times, values = states.activation(layer, direction, unit)
        self.curve.setData(times, values)
        self.setTitle(f"Layer {layer + 1} {DIRECTIONS[direction]}, unit {unit}", size="8pt")


class HiddenStateRow(pg.PlotItem):
    """The recurrent states of the document of ``view`` (see module doc)."""

    unit_chosen = Signal(int, int, int)  # layer, direction, unit

    def __init__(self, view) -> None:
        super().__init__(viewBox=view.new_time_view_box())
        self.view = view
        self.hideButtons()
        self.setMenuEnabled(False)
        self.states: RecurrentStates | None = None
        self.layer, self.direction, self.unit = 0, 0, None
        self.image = pg.ImageItem()
        self.image.setLookupTable(_lut())
        self.addItem(self.image)
        self.marker = pg.LinearRegionItem(orientation="horizontal", movable=False,
                                          brush=pg.mkBrush(255, 255, 255, 40),
                                          pen=pg.mkPen(CHOSEN_PEN))
        self.marker.hide()
        self.addItem(self.marker, ignoreBounds=True)
        self.chooser = QComboBox()
        self.chooser.setToolTip("Which recurrent layer and direction to show")
        # Sized for "Layer N backward" before it has items: the proxy keeps its first size.
        self.chooser.setMinimumContentsLength(len("Layer 1 backward"))
        self.chooser.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.chooser.activated.connect(self._on_chooser_activated)
        self.proxy = QGraphicsProxyWidget(self)
        self.proxy.setWidget(self.chooser)
        self.proxy.setZValue(30)
        self.vb.point_clicked.connect(self._on_box_point_clicked)
        view.timeline.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.setMinimumHeight(130)
        view.add_timeline_row(self, stretch=1)
        self.unit_row = UnitActivationRow(view)
        self.setVisible(False)

    def show_states(self, states: RecurrentStates | None) -> None:
        """Draw ``states`` (None hides the rows); the layer and direction chosen stay."""
        self.states = states
        shown = states is not None and states.frames > 0 and states.layers > 0
        self.setVisible(shown)
        if not shown:
            self.unit_row.show_unit(None)
            return
        self.chooser.clear()
        for layer in range(states.layers):
            for name in DIRECTIONS:  # item index: 2 layer + direction
                self.chooser.addItem(f"Layer {layer + 1} {name}")
        self.layer = min(self.layer, states.layers - 1)
        if self.unit is not None and self.unit >= states.units:
            self.unit = None
        self.choose(self.layer, self.direction)

    def choose(self, layer: int, direction: int) -> None:
        """Show one layer (0-based) and direction (0 forward, 1 backward)."""
        self.layer, self.direction = layer, direction
        self.chooser.setCurrentIndex(2 * layer + direction)
        states = self.states
        self.image.setImage(activation_image(states, layer, direction), autoLevels=False,
                            levels=(0, 255))
        self.image.setRect(states.start, 0.0, states.frames * states.seconds_per_frame,
                           states.units)
        self.vb.setYRange(0, states.units, padding=0)
        step = max(1, states.units // 4)
        self.getAxis("left").setTicks([[(u + 0.5, str(u)) for u in range(0, states.units,
                                                                        step)]])
        self.setTitle(f"Hidden state: {states.units} units (click one to plot it)",
                      size="8pt")
        self._show_unit()

    def choose_unit(self, unit: int | None) -> None:
        """Plot `unit` of the shown layer below (None: no unit)."""
        self.unit = unit
        self._show_unit()
        if unit is not None:
            self.unit_chosen.emit(self.layer, self.direction, unit)

    def _show_unit(self) -> None:
        if self.unit is None or self.states is None:
            self.marker.hide()
            self.unit_row.show_unit(None)
            return
        self.marker.setRegion((self.unit, self.unit + 1))
        self.marker.show()
        self.unit_row.show_unit(self.states, self.layer, self.direction, self.unit)

    def hover_text(self, time_s: float, y: float) -> str:
        """"unit 37 at 1.23 s: 0.54" for a point of the image ("" off it)."""
        unit = self.unit_at(y)
        frame = self.states.frame_at(time_s) if self.states is not None else None
        if unit is None or frame is None:
            return ""
        value = float(self.states.states[self.layer, self.direction, frame, unit])
        return f"unit {unit} at {time_s:.2f} s: {value:+.2f}"

    def _on_scene_mouse_moved(self, scene_pos) -> None:
        if not self.isVisible() or not self.vb.sceneBoundingRect().contains(scene_pos):
            return
        point = self.vb.mapSceneToView(scene_pos)
        text = self.hover_text(point.x(), point.y())
        if text:
            self.setTitle(text, size="8pt")

    def unit_at(self, y: float) -> int | None:
        if self.states is None or not 0 <= y < self.states.units:
            return None
        return int(np.floor(y))

    def _on_box_point_clicked(self, _t: float, y: float) -> None:
        unit = self.unit_at(y)
        if unit is not None:
            self.choose_unit(unit)

    def _on_chooser_activated(self, index: int) -> None:
        self.choose(*divmod(index, 2))

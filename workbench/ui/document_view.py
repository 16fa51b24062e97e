"""One open document: overview strip, per-channel waveforms, spectrogram, ruler, scrollbar.

All plots share one time axis (seconds): their ViewBoxes are x-linked to the
first one, and zoom/pan go through `set_visible_range`, which clamps to the
document.  The view owns no samples: it reads the Document on every redraw.
GUI thread only.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QScrollBar, QVBoxLayout, QWidget

from workbench.core.document import Document
from workbench.runtime.job_runner import JobRunner
from workbench.ui.overview_strip import OverviewStrip
from workbench.ui.spectrogram_view import SpectrogramView
from workbench.ui.time_axis import TimeAxisItem, format_time
from workbench.ui.time_view_box import TimeViewBox
from workbench.ui.waveform_view import WaveformView

MIN_VISIBLE_FRAMES = 16
LEFT_AXIS_WIDTH = 56  # the same for every row, so their time axes line up
RULER_HEIGHT = 34
SCROLL_UNITS = 10_000  # scrollbar resolution over the whole document
SELECTION_BRUSH = (255, 255, 255, 40)


class DocumentView(QWidget):
    """Timeline of one Document.  Emits `pointer_moved(dict)` for the status bar."""

    pointer_moved = Signal(dict)
    visible_range_changed = Signal(float, float)
    selection_changed = Signal(object)  # (start s, end s) or None

    def __init__(self, document: Document, runner: JobRunner, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.selection: tuple[float, float] | None = None
        self.overview = OverviewStrip(document)
        self.timeline = pg.GraphicsLayoutWidget()
        self.timeline.setBackground((24, 26, 30))
        self.timeline.ci.setSpacing(2)
        self.scrollbar = QScrollBar(Qt.Orientation.Horizontal)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.overview)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.scrollbar)
        self.waveforms: list[WaveformView] = []
        self._regions: list[pg.LinearRegionItem] = []
        self._build_plots(runner)
        self._updating_scroll = False
        self.scrollbar.valueChanged.connect(self._on_scrollbar_moved)
        self.overview.range_dragged.connect(self.set_visible_range)
        self.master_box.sigXRangeChanged.connect(self._on_range_changed)
        self.timeline.scene().sigMouseMoved.connect(self._on_mouse_moved)
        document.changed.connect(self.refresh)
        self.fit()

    # -- construction ----------------------------------------------------
    def _build_plots(self, runner: JobRunner) -> None:
        doc, row = self.document, 0
        self.master_box = None
        for t, track in enumerate(doc.tracks):
            for c in range(track.channels):
                box = self._new_box()
                view = WaveformView(doc, t, c, box)
                view.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
                label = track.name if track.channels == 1 else f"{track.name} {c + 1}"
                view.set_channel_label(label if len(doc.tracks) > 1 else _channel_name(c, track.channels))
                self.timeline.addItem(view, row=row, col=0)
                self.waveforms.append(view)
                self._add_region(view)
                row += 1
        self.spectrogram = SpectrogramView(runner, view_box=self._new_box())
        self.spectrogram.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        self.spectrogram.set_document(doc)
        self.timeline.addItem(self.spectrogram, row=row, col=0)
        self.timeline.ci.layout.setRowStretchFactor(row, max(2, row))
        self._add_region(self.spectrogram)
        self._next_row = row + 1
        self.ruler = self._build_ruler()
        self.timeline.addItem(self.ruler, row=self._next_row, col=0)

    def _build_ruler(self) -> pg.PlotItem:
        """The time ruler: an empty, flat plot whose left axis is as wide as the others'."""
        ruler = pg.PlotItem(viewBox=self._new_box(), axisItems={"bottom": TimeAxisItem()})
        ruler.hideButtons()
        ruler.setMenuEnabled(False)
        left = ruler.getAxis("left")
        left.setWidth(LEFT_AXIS_WIDTH)
        left.setStyle(showValues=False)
        left.setPen(pg.mkPen(None))
        ruler.setMaximumHeight(RULER_HEIGHT)
        ruler.setMinimumHeight(RULER_HEIGHT)
        return ruler

    def add_timeline_row(self, plot: pg.PlotItem, stretch: int = 1) -> None:
        """Add a plot (made with `new_time_view_box()`) as a row above the time ruler.

        Analysis layers (class timelines, label tiers, ...) use this so that they
        share the time axis, the selection shading and the wheel zoom.
        """
        self.timeline.removeItem(self.ruler)
        plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        plot.hideAxis("bottom")
        self.timeline.addItem(plot, row=self._next_row, col=0)
        self.timeline.ci.layout.setRowStretchFactor(self._next_row, stretch)
        self._add_region(plot)
        self._next_row += 1
        self.timeline.addItem(self.ruler, row=self._next_row, col=0)
        if self.selection:
            self.set_selection(self.selection)

    def new_time_view_box(self) -> TimeViewBox:
        """A ViewBox linked to the shared time axis, with the shared mouse behaviour."""
        return self._new_box()

    def _new_box(self) -> TimeViewBox:
        box = TimeViewBox()
        if self.master_box is None:
            self.master_box = box
        else:
            box.setXLink(self.master_box)
        box.zoom_requested.connect(self.zoom)
        box.pan_requested.connect(self.pan)
        box.drag_selected.connect(self._on_drag_selected)
        box.clicked_at.connect(self._on_clicked)
        return box

    def _add_region(self, plot: pg.PlotItem) -> None:
        region = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(*SELECTION_BRUSH),
                                     pen=pg.mkPen(255, 255, 255, 120))
        region.setZValue(20)
        region.hide()
        plot.addItem(region, ignoreBounds=True)
        self._regions.append(region)

    # -- visible range ---------------------------------------------------
    def visible_range(self) -> tuple[float, float]:
        t0, t1 = self.master_box.viewRange()[0]
        return float(t0), float(t1)

    def set_visible_range(self, t0: float, t1: float) -> None:
        """Show [t0, t1] seconds, kept inside the document and not narrower than a few samples."""
        duration = max(self.document.duration, MIN_VISIBLE_FRAMES / self.document.sample_rate)
        span = min(max(t1 - t0, MIN_VISIBLE_FRAMES / self.document.sample_rate), duration)
        t0 = min(max(0.0, t0), duration - span)
        self.master_box.setXRange(t0, t0 + span, padding=0)

    def zoom(self, factor: float, anchor: float | None = None) -> None:
        """Zoom in (factor > 1) or out around `anchor` seconds (the centre by default)."""
        t0, t1 = self.visible_range()
        anchor = (t0 + t1) / 2 if anchor is None else anchor
        self.set_visible_range(anchor - (anchor - t0) / factor, anchor + (t1 - anchor) / factor)

    def pan(self, fraction: float) -> None:
        t0, t1 = self.visible_range()
        shift = (t1 - t0) * fraction
        self.set_visible_range(t0 + shift, t1 + shift)

    def fit(self) -> None:
        self.set_visible_range(0.0, max(self.document.duration, 1e-3))

    def zoom_to_selection(self) -> None:
        if self.selection and self.selection[1] > self.selection[0]:
            self.set_visible_range(*self.selection)

    # -- selection ---------------------------------------------------------
    def set_selection(self, selection: tuple[float, float] | None) -> None:
        if selection is not None:
            a, b = sorted(selection)
            selection = (max(0.0, a), min(self.document.duration, b))
        self.selection = selection
        for region in self._regions:
            if selection is None or selection[1] <= selection[0]:
                region.hide()
            else:
                region.setRegion(selection)
                region.show()
        self.selection_changed.emit(selection)

    def _on_drag_selected(self, t0: float, t1: float, _finished: bool) -> None:
        self.set_selection((t0, t1))

    def _on_clicked(self, t: float, modifiers) -> None:
        if modifiers & Qt.KeyboardModifier.ShiftModifier and self.selection:
            a, b = self.selection
            self.set_selection((min(a, t), max(b, t)))
        else:
            self.set_selection(None)

    # -- drawing -----------------------------------------------------------
    def refresh(self) -> None:
        """Redraw everything from the document (after loading progress or an edit)."""
        for view in self.waveforms:
            view.redraw()
        self.overview.redraw()
        self._sync_scrollbar()

    def is_idle(self) -> bool:
        """True when every view shows its final picture for the current range."""
        return self.spectrogram.is_idle()

    def _on_range_changed(self, *_args) -> None:
        t0, t1 = self.visible_range()
        self.overview.show_range(t0, t1)
        self._sync_scrollbar()
        self.visible_range_changed.emit(t0, t1)

    def _sync_scrollbar(self) -> None:
        duration = self.document.duration
        if duration <= 0:
            return
        t0, t1 = self.visible_range()
        page = int(SCROLL_UNITS * min(1.0, (t1 - t0) / duration))
        self._updating_scroll = True
        self.scrollbar.setRange(0, SCROLL_UNITS - page)
        self.scrollbar.setPageStep(max(1, page))
        self.scrollbar.setSingleStep(max(1, page // 10))
        self.scrollbar.setValue(int(round(t0 / duration * SCROLL_UNITS)))
        self._updating_scroll = False

    def _on_scrollbar_moved(self, value: int) -> None:
        if self._updating_scroll:
            return
        t0, t1 = self.visible_range()
        start = value / SCROLL_UNITS * self.document.duration
        self.set_visible_range(start, start + (t1 - t0))

    # -- pointer readout -------------------------------------------------
    def _on_mouse_moved(self, scene_pos) -> None:
        for plot in [*self.waveforms, self.spectrogram]:
            if plot.vb.sceneBoundingRect().contains(scene_pos):
                point = plot.vb.mapSceneToView(scene_pos)
                self.pointer_moved.emit(self._readout(plot, point.x(), point.y()))
                return

    def _readout(self, plot, t: float, y: float) -> dict:
        doc = self.document
        info: dict = {"time": t}
        if plot is self.spectrogram:
            info["frequency"] = self.spectrogram.frequency_at(y)
        else:
            frame = int(round(t * doc.sample_rate))
            samples = doc.tracks[plot.track].samples
            if 0 <= frame < samples.frames:
                info["amplitude"] = float(samples.read(frame, frame + 1)[0, plot.channel])
                info["channel"] = plot.channel
        return info


def _channel_name(index: int, channels: int) -> str:
    if channels == 2:
        return ("Left", "Right")[index]
    return "Mono" if channels == 1 else f"Ch {index + 1}"


def format_readout(info: dict) -> str:
    """Status-bar text for a pointer readout."""
    parts = [f"Time {format_time(info['time'])}"]
    if "amplitude" in info:
        a = info["amplitude"]
        db = 20 * np.log10(abs(a)) if a else float("-inf")
        parts.append(f"Amplitude {a:+.4f} ({db:.1f} dBFS)")
    if "frequency" in info:
        parts.append(f"Frequency {info['frequency']:.0f} Hz")
    return "   ".join(parts)

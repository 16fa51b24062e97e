"""One open document: overview strip, per-channel waveforms, spectrogram, ruler, scrollbar.

All plots share one time axis (seconds): their ViewBoxes are x-linked to the
first one, and zoom/pan go through `set_visible_range`, which clamps to the
document.  The view owns no samples: it reads the Document on every redraw.

The selection is the document's `Selection` (frames, channels); the view
draws it in every row (a shaded span, or a line where the cursor is) and
sets it from the mouse: a drag selects, Shift+click or Shift+drag extends
the selection, Ctrl+drag over waveform lanes selects only those channels.
Channels left out of the selection show no shading in their lane.
GUI thread only; the view listens to its document until it is destroyed.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QScrollBar, QVBoxLayout, QWidget

from workbench.core.document.document import Document
from workbench.core.document.selection import Selection
from workbench.runtime.job_runner import JobRunner
from workbench.ui.event_subscription import subscribe_while_alive
from workbench.ui.timeline.overview_strip import OverviewStrip
from workbench.ui.timeline.spectrogram_view import SpectrogramView
from workbench.ui.timeline.time_axis import TimeAxisItem, format_time
from workbench.ui.timeline.time_view_box import TimeViewBox
from workbench.ui.timeline.waveform_view import WaveformView

MIN_VISIBLE_FRAMES = 16
LEFT_AXIS_WIDTH = 56  # the same for every row, so their time axes line up
RULER_HEIGHT = 34
SCROLL_UNITS = 10_000  # scrollbar resolution over the whole document
SELECTION_BRUSH = (255, 255, 255, 40)
SELECTION_PEN = (255, 255, 255, 120)
CURSOR_PEN = (255, 255, 255, 170)
SNAP_RADIUS_S = 0.01  # how far an end may move to reach a zero crossing

_SHIFT = Qt.KeyboardModifier.ShiftModifier
_CTRL = Qt.KeyboardModifier.ControlModifier


class DocumentView(QWidget):
    """Timeline of one Document.  Emits `pointer_moved(dict)` for the status bar.

    `selection_changed` carries the selection in seconds ((start, end), or
    None for a bare cursor) after the document's selection changed.
    """

    pointer_moved = Signal(dict)
    visible_range_changed = Signal(float, float)
    selection_changed = Signal(object)  # (start s, end s) or None

    def __init__(self, document: Document, runner: JobRunner, parent=None) -> None:
        super().__init__(parent)
        self.document = document
        self.snap_to_zero_crossings = False
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
        self._rows: list[tuple[pg.PlotItem, int]] = []  # added rows (plot, stretch), in order
        self._marks: dict[pg.PlotItem, tuple[pg.LinearRegionItem, pg.InfiniteLine]] = {}
        self._drag_anchor: int | None = None  # the fixed end of the selection being dragged
        self._drag_lane: int | None = None  # the lane a Ctrl+drag started in
        self._build_plots(runner)
        self._shown_duration = document.duration  # the duration the visible range was set for
        self._updating_scroll = False
        self.scrollbar.valueChanged.connect(self._on_scrollbar_moved)
        self.overview.range_dragged.connect(self.set_visible_range)
        self.master_box.sigXRangeChanged.connect(self._on_range_changed)
        self.timeline.scene().sigMouseMoved.connect(self._on_mouse_moved)
        subscribe_while_alive(self, document.changed, self._on_document_changed)
        subscribe_while_alive(self, document.selection_changed,
                              self._on_document_selection_changed)
        self.fit()
        self._draw_selection()

    # -- construction ----------------------------------------------------
    def _build_plots(self, runner: JobRunner) -> None:
        self.master_box = None
        for track, channel in self._channel_layout():
            self.waveforms.append(self._new_waveform(track, channel))
        self._label_waveforms()
        self.spectrogram = SpectrogramView(runner, view_box=self._new_box())
        self.spectrogram.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        self.spectrogram.set_document(self.document)
        self._add_marks(self.spectrogram)
        self.ruler = self._build_ruler()
        self._lay_out()

    def _channel_layout(self) -> list[tuple[int, int]]:
        return [(t, c) for t, track in enumerate(self.document.tracks)
                for c in range(track.channels)]

    def _new_waveform(self, track: int, channel: int) -> WaveformView:
        view = WaveformView(self.document, track, channel, self._new_box())
        view.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        self._add_marks(view)
        return view

    def _label_waveforms(self) -> None:
        tracks = self.document.tracks
        for view in self.waveforms:
            track = tracks[view.track]
            if len(tracks) > 1:
                label = track.name if track.channels == 1 else f"{track.name} {view.channel + 1}"
            else:
                label = _channel_name(view.channel, track.channels)
            view.set_channel_label(label)

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

    def _lay_out(self) -> None:
        """Put every row in its place: waveforms, spectrogram, added rows, ruler."""
        layout = self.timeline.ci
        for item in list(layout.items):
            layout.removeItem(item)
        rows = [(w, 0) for w in self.waveforms]
        # A hidden row would still take its share of the height (graphics layouts
        # ignore visibility), so it is left out until it shows (see add_timeline_row).
        shown = [(p, s) for p, s in self._rows if p.isVisible()]
        rows += [(self.spectrogram, max(2, len(self.waveforms))), *shown, (self.ruler, 0)]
        for row, (plot, stretch) in enumerate(rows):
            layout.addItem(plot, row=row, col=0)
            layout.layout.setRowStretchFactor(row, stretch)

    def add_timeline_row(self, plot: pg.PlotItem, stretch: int = 1) -> None:
        """Add a plot (made with `new_time_view_box()`) as a row above the time ruler.

        Analysis layers (class timelines, label tiers, ...) use this so that they
        share the time axis, the selection shading and the wheel zoom.
        """
        plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
        plot.hideAxis("bottom")
        self._add_marks(plot)
        self._rows.append((plot, stretch))
        plot.visibleChanged.connect(self._lay_out)
        self._lay_out()
        self._draw_selection()

    def remove_timeline_row(self, plot: pg.PlotItem) -> None:
        """Take out a row added with `add_timeline_row` (the plot is not deleted)."""
        self._rows = [(p, s) for p, s in self._rows if p is not plot]
        plot.visibleChanged.disconnect(self._lay_out)
        self._remove_marks(plot)
        self._lay_out()

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
        # A bound method (the box comes from sender()): Qt keeps connected callables
        # out of the garbage collector's sight, and a partial holding the view would
        # keep a closed document alive.
        box.drag_selected.connect(self._on_box_drag_selected)
        box.clicked_at.connect(self._on_box_clicked_at)
        return box

    def _add_marks(self, plot: pg.PlotItem) -> None:
        region = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(*SELECTION_BRUSH),
                                     pen=pg.mkPen(*SELECTION_PEN))
        cursor = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(*CURSOR_PEN))
        for item in (region, cursor):
            item.setZValue(20)
            item.hide()
            plot.addItem(item, ignoreBounds=True)
        self._marks[plot] = (region, cursor)

    def _remove_marks(self, plot: pg.PlotItem) -> None:
        for item in self._marks.pop(plot, ()):
            plot.removeItem(item)

    # -- channel layout ----------------------------------------------------
    def _follow_channel_layout(self) -> None:
        """Rebuild the waveform lanes when tracks or channels came or went (split, mix)."""
        wanted = self._channel_layout()
        if wanted == [(w.track, w.channel) for w in self.waveforms]:
            return
        # The first lane's box is the master of the time axis: lanes are reused, never
        # all replaced, so the links of every other row stay as they are.
        for view in self.waveforms[len(wanted):]:
            self._remove_marks(view)
            view.vb.setXLink(None)
        del self.waveforms[len(wanted):]
        for view, (track, channel) in zip(self.waveforms, wanted, strict=False):
            view.track, view.channel = track, channel
        for track, channel in wanted[len(self.waveforms):]:
            self.waveforms.append(self._new_waveform(track, channel))
        self._label_waveforms()
        self._lay_out()

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
        selection = self.selection
        if selection is not None:
            self.set_visible_range(*selection)

    # -- selection ---------------------------------------------------------
    @property
    def selection(self) -> tuple[float, float] | None:
        """The document's selection in seconds, or None when only a cursor is set."""
        sel, rate = self.document.selection, self.document.sample_rate
        return None if sel.is_empty else (sel.start / rate, sel.stop / rate)

    def set_selection(self, selection: tuple[float, float] | None) -> None:
        """Select (start s, end s) on every channel; None leaves a cursor at the start."""
        if selection is None:
            self.document.select_none()
            return
        a, b = (self._frame_at(t) for t in selection)
        self.document.set_selection(Selection.between(a, b))

    def snap_radius(self) -> int:
        """How many frames an end may move to reach a zero crossing."""
        return max(1, round(SNAP_RADIUS_S * self.document.sample_rate))

    def _frame_at(self, t: float) -> int:
        return int(min(max(0, round(t * self.document.sample_rate)), self.document.frames))

    def _set_from_mouse(self, selection: Selection) -> None:
        if self.snap_to_zero_crossings:
            selection = self.document.snapped_to_zero_crossings(selection, self.snap_radius())
        self.document.set_selection(selection)

    def _on_box_drag_selected(self, origin_s: float, pointer_s: float,
                              finished: bool, modifiers, scene_pos) -> None:
        box = self.sender()
        sel = self.document.selection
        if self._drag_anchor is None:  # the first report of a new drag
            origin = self._frame_at(origin_s)
            self._drag_anchor = origin
            self._drag_lane = None
            if modifiers & _SHIFT:
                # Extend: the end farther from where the drag started stays put.
                near_start = abs(origin - sel.start) <= abs(origin - sel.stop)
                self._drag_anchor = sel.stop if near_start else sel.start
            elif modifiers & _CTRL:
                self._drag_lane = self._lane_of_box(box)
        channels = sel.channels if modifiers & _SHIFT else None
        if self._drag_lane is not None:
            lane = self._lane_at(scene_pos)
            lane = self._drag_lane if lane is None else lane
            channels = range(min(lane, self._drag_lane), max(lane, self._drag_lane) + 1)
        self._set_from_mouse(Selection.between(self._drag_anchor, self._frame_at(pointer_s),
                                               channels))
        if finished:
            self._drag_anchor = self._drag_lane = None

    def _on_box_clicked_at(self, t: float, modifiers) -> None:
        frame, sel = self._frame_at(t), self.document.selection
        if not modifiers & _SHIFT:
            self._set_from_mouse(Selection(frame, frame))
            return
        if frame <= sel.start:
            start, stop = frame, sel.stop
        elif frame >= sel.stop:
            start, stop = sel.start, frame
        elif frame - sel.start < sel.stop - frame:  # inside: the nearer end moves
            start, stop = frame, sel.stop
        else:
            start, stop = sel.start, frame
        self._set_from_mouse(Selection(start, stop, sel.channels))

    def _lane_of_box(self, box) -> int | None:
        return next((i for i, w in enumerate(self.waveforms) if w.vb is box), None)

    def _lane_at(self, scene_pos) -> int | None:
        return next((i for i, w in enumerate(self.waveforms)
                     if w.vb.sceneBoundingRect().contains(scene_pos)), None)

    def _on_document_selection_changed(self, _selection: Selection) -> None:
        self._draw_selection()

    def _draw_selection(self) -> None:
        sel, rate = self.document.selection, self.document.sample_rate
        lanes = {w: i for i, w in enumerate(self.waveforms)}
        for plot, (region, cursor) in self._marks.items():
            shown = plot not in lanes or sel.includes_channel(lanes[plot])
            if sel.is_empty:
                region.hide()
                cursor.setPos(sel.start / rate)
                cursor.setVisible(shown)
            else:
                region.setRegion((sel.start / rate, sel.stop / rate))
                region.setVisible(shown)
                cursor.hide()
        self.selection_changed.emit(self.selection)

    # -- drawing -----------------------------------------------------------
    def refresh(self) -> None:
        """Redraw everything from the document (after loading progress or an edit)."""
        for view in self.waveforms:
            view.redraw()
        self.overview.redraw()
        self._sync_scrollbar()

    def _on_document_changed(self) -> None:
        self._follow_channel_layout()
        t0, t1 = self.visible_range()
        if t0 <= 1e-9 and t1 >= self._shown_duration - 1e-9:
            self.fit()  # the whole file was in view: keep it so as it grows or shrinks
        else:
            self.set_visible_range(t0, t1)  # the audio may have become shorter
        self._shown_duration = self.document.duration
        self.refresh()
        self._draw_selection()  # positions in seconds move when the rate changes

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

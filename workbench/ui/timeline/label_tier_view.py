"""Label tiers as timeline rows: regions as spans with text, points as lines.

A `LabelTierView` draws one tier of a document in a row of its DocumentView
(added with `add_timeline_row`, so it shares the time axis and shows the
selection).  Dragging a region's edge, a whole region, or a point pushes
MoveLabelCommands that merge into one history step per drag; a click on a
label selects its span; a double-click opens an editor for its text in
place; a right click asks the owner for a context menu.  Only labels in
view get items; with more than MAX_EDITABLE_LABELS in view they are drawn as
one plain band until the user zooms in, so a tier of thousands of words
stays fast.  `LabelTierRows` keeps one such row per tier of the document, in
the document's order.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLineEdit

from workbench.core.document.document import Document
from workbench.core.document.edits import EditError
from workbench.core.document.history import History
from workbench.core.document.label_commands import MoveLabelCommand, SetLabelTextCommand
from workbench.core.document.selection import Selection
from workbench.core.labels.labels import Label, LabelTier
from workbench.ui.event_subscription import subscribe_while_alive

ROW_HEIGHT = 42
LABEL_COLOUR = (250, 196, 80)
REGION_BRUSH = (*LABEL_COLOUR, 50)
REGION_HOVER_BRUSH = (*LABEL_COLOUR, 90)
TEXT_COLOUR = (240, 232, 210)
BACKGROUND = (28, 30, 35)
CURRENT_BACKGROUND = (40, 44, 54)
POINT_GRAB_PX = 5  # a click this close to a point label hits it
POINT_TEXT_PX = 160  # room for a point label's text
TIER_NAME_CHARS = 8  # what fits in the left axis
EDITOR_MIN_WIDTH = 140
MAX_EDITABLE_LABELS = 150  # more labels in view are drawn as one band until zoomed in


class LabelTextEditor(QLineEdit):
    """A line edit laid over a label: Enter or leaving it commits, Esc cancels.

    Esc is claimed before the window's shortcuts see it (there it would mean
    "select none").  Emits exactly one of `committed(text)` or `cancelled`.
    """

    committed = Signal(str)
    cancelled = Signal()

    def __init__(self, text: str, parent) -> None:
        super().__init__(text, parent)
        self._done = False
        self.returnPressed.connect(self._commit)

    def _commit(self) -> None:
        if not self._done:
            self._done = True
            self.committed.emit(self.text())

    def event(self, ev) -> bool:  # Qt override: keep Esc for this editor
        if ev.type() == QEvent.Type.ShortcutOverride and ev.key() == Qt.Key.Key_Escape:
            ev.accept()
            return True
        return super().event(ev)

    def keyPressEvent(self, ev) -> None:  # noqa: N802 (Qt override)
        if ev.key() == Qt.Key.Key_Escape:
            if not self._done:
                self._done = True
                self.cancelled.emit()
            return
        super().keyPressEvent(ev)

    def focusOutEvent(self, ev) -> None:  # noqa: N802 (Qt override)
        super().focusOutEvent(ev)
        self._commit()


class _LabelGraphic:
    """The pyqtgraph items of one label: a movable region or line, and its text."""

    def __init__(self, plot: pg.PlotItem, label: Label, rate: int, duration: float) -> None:
        self.label_id, self.is_point = label.id, label.is_point
        if label.is_point:
            self.item = pg.InfiniteLine(label.start / rate, angle=90, movable=True,
                                        pen=pg.mkPen(LABEL_COLOUR, width=2),
                                        hoverPen=pg.mkPen((255, 255, 255), width=2),
                                        bounds=[0, duration])
        else:
            self.item = pg.LinearRegionItem(
                (label.start / rate, label.end / rate), movable=True, swapMode="block",
                brush=pg.mkBrush(*REGION_BRUSH), hoverBrush=pg.mkBrush(*REGION_HOVER_BRUSH),
                pen=pg.mkPen(LABEL_COLOUR, width=2), hoverPen=pg.mkPen((255, 255, 255), width=2),
                bounds=[0, duration])
        self.item.setZValue(10)
        self.text = pg.TextItem("", color=TEXT_COLOUR, anchor=(0, 0.5))
        self.text.setZValue(11)
        plot.addItem(self.item, ignoreBounds=True)
        plot.addItem(self.text, ignoreBounds=True)
        self.label = label
        self._elided_for: tuple[str, int] | None = None
        self.place(label, rate, duration)

    def place(self, label: Label, rate: int, duration: float) -> None:
        """Show `label` (new bounds or text); the caller blocks the drag handlers."""
        self.label = label
        if self.is_point:
            self.item.setBounds([0, duration])
            self.item.setPos(label.start / rate)
        else:
            self.item.setBounds([0, duration])
            self.item.setRegion((label.start / rate, label.end / rate))
        self.text.setPos(label.start / rate, 0.5)

    def elide(self, pixels_per_second: float, rate: int, metrics: QFontMetrics) -> None:
        """Fit the text into the label's width on screen (points get a fixed room)."""
        lab = self.label
        room = POINT_TEXT_PX if self.is_point else int((lab.end - lab.start) / rate
                                                       * pixels_per_second) - 6
        if (lab.text, room) == self._elided_for:
            return  # setting a TextItem's text is slow; most redraws change nothing
        self._elided_for = (lab.text, room)
        shown = metrics.elidedText(lab.text, Qt.TextElideMode.ElideRight, max(0, room))
        self.text.setText(shown if room > metrics.horizontalAdvance("…") else "")

    def remove(self, plot: pg.PlotItem) -> None:
        plot.removeItem(self.item)
        plot.removeItem(self.text)


class LabelTierView(pg.PlotItem):
    """One tier (by id) of `document`, drawn in a row of `view` (a DocumentView).

    GUI thread only.  It owns its graphics items and text editor; label
    changes go as commands on `history`.  The owner calls `show_tier()` when
    the document's labels change.  `activated(tier_id)` says the row was
    clicked; `label_clicked(tier_id, Label)` says a plain click landed on a
    label (after its span was selected); `context_menu_requested(tier_id,
    label_id or None, QPoint)` asks for a menu at a screen position.
    """

    activated = Signal(str)
    label_clicked = Signal(str, object)  # tier id, Label
    context_menu_requested = Signal(str, object, object)

    def __init__(self, document: Document, view, history: History, tier_id: str) -> None:
        super().__init__(viewBox=view.new_time_view_box())
        self.document, self.view, self.history, self.tier_id = document, view, history, tier_id
        self.graphics: dict[str, _LabelGraphic] = {}
        self.editor: LabelTextEditor | None = None
        self._editing: str | None = None  # id of the label being edited
        self._dragging: str | None = None  # id of the label a drag is moving
        self._placing = False  # True while items are moved to the document's positions
        self._placed_for = (0, 0.0)  # (rate, duration) the items were placed for
        self.hideButtons()
        self.setMenuEnabled(False)
        self.setMinimumHeight(ROW_HEIGHT)
        self.setMaximumHeight(ROW_HEIGHT)
        self.getAxis("left").setStyle(tickLength=0)
        self.setYRange(0.0, 1.0, padding=0)
        self.vb.setBackgroundColor(BACKGROUND)
        self.summary = pg.BarGraphItem(x0=[0.0], width=[0.0], y0=[0.0], height=[0.0],
                                       brush=pg.mkBrush(*REGION_HOVER_BRUSH), pen=None)
        self.summary.setToolTip("Too many labels to edit here; zoom in")
        self.summary.hide()
        self.addItem(self.summary, ignoreBounds=True)
        self.vb.clicked_at.connect(self._on_box_clicked_at)
        self.vb.double_clicked_at.connect(self._on_box_double_clicked_at)
        self.vb.sigXRangeChanged.connect(self._on_box_range_changed)
        self.vb.sigResized.connect(self._on_box_range_changed)

    # -- what is shown -------------------------------------------------------------------
    @property
    def tier(self) -> LabelTier | None:
        return next((t for t in self.document.label_tiers if t.id == self.tier_id), None)

    def set_current(self, current: bool) -> None:
        """Mark the row that new labels go into."""
        self.vb.setBackgroundColor(CURRENT_BACKGROUND if current else BACKGROUND)

    def show_tier(self) -> None:
        """Draw the tier as it is in the document now."""
        tier = self.tier
        if tier is None:
            return
        name = tier.name if len(tier.name) <= TIER_NAME_CHARS else \
            tier.name[: TIER_NAME_CHARS - 1] + "…"
        self.getAxis("left").setTicks([[(0.5, name)]])
        self._draw(tier)

    def visible_labels(self, tier: LabelTier) -> list[Label]:
        """The tier's labels that reach into the visible time range."""
        rate = self.document.sample_rate
        t0, t1 = self.vb.viewRange()[0]
        a, b = t0 * rate, t1 * rate
        return [lab for lab in tier.labels if lab.start <= b and lab.end >= a]

    def _draw(self, tier: LabelTier) -> None:
        """Movable items for the visible labels; a plain band where there are too many."""
        rate, duration = self.document.sample_rate, self.document.duration
        visible = self.visible_labels(tier)
        crowded = len(visible) > MAX_EDITABLE_LABELS
        self._draw_summary(visible if crowded else [], rate)
        wanted = {} if crowded else {lab.id: lab for lab in visible}
        if self._dragging is not None:  # never take away the item under the mouse
            dragged = next((lab for lab in tier.labels if lab.id == self._dragging), None)
            if dragged is not None:
                wanted[dragged.id] = dragged
        self._placing = True
        try:
            for label_id in [i for i, g in self.graphics.items()
                             if i not in wanted or g.is_point != wanted[i].is_point]:
                self.graphics.pop(label_id).remove(self)
            for lab in wanted.values():
                graphic = self.graphics.get(lab.id)
                if graphic is None:
                    self.graphics[lab.id] = self._new_graphic(lab, rate, duration)
                elif graphic.label is not lab or (rate, duration) != self._placed_for:
                    # Untouched labels are the very same objects: a drag of one label
                    # re-places only that one.
                    graphic.place(lab, rate, duration)
        finally:
            self._placing = False
        self._placed_for = (rate, duration)
        self._elide_texts()

    def _draw_summary(self, labels: list[Label], rate: int) -> None:
        self.summary.setVisible(bool(labels))
        if not labels:
            return
        t0, t1 = self.vb.viewRange()[0]
        pixel = (t1 - t0) / max(self.vb.width(), 1.0)
        starts = np.array([lab.start for lab in labels], np.float64) / rate
        widths = np.maximum(np.array([lab.end - lab.start for lab in labels]) / rate, pixel)
        self.summary.setOpts(x0=starts, width=widths, y0=np.full(len(labels), 0.2),
                             height=np.full(len(labels), 0.6))

    def _new_graphic(self, label: Label, rate: int, duration: float) -> _LabelGraphic:
        graphic = _LabelGraphic(self, label, rate, duration)
        if graphic.is_point:
            graphic.item.sigDragged.connect(lambda item, i=label.id: self._on_point_dragged(i, item))
            graphic.item.sigPositionChangeFinished.connect(self._on_drag_finished)
        else:
            graphic.item.sigRegionChanged.connect(
                lambda item, i=label.id: self._on_region_changed(i, item))
            graphic.item.sigRegionChangeFinished.connect(self._on_drag_finished)
        return graphic

    def _on_box_range_changed(self, *_args) -> None:
        tier = self.tier
        if tier is not None:
            self._draw(tier)

    def _elide_texts(self) -> None:
        t0, t1 = self.vb.viewRange()[0]
        pixels_per_second = self.vb.width() / max(t1 - t0, 1e-12)
        metrics = QFontMetrics(self.font())  # the application font, as TextItems use
        for graphic in self.graphics.values():
            graphic.elide(pixels_per_second, self.document.sample_rate, metrics)

    # -- finding labels ---------------------------------------------------------------------
    def label_at(self, t: float) -> Label | None:
        """The label under time `t` s: a point within a few pixels, else the shortest region."""
        tier = self.tier
        if tier is None:
            return None
        t0, t1 = self.vb.viewRange()[0]
        grab = POINT_GRAB_PX * (t1 - t0) / max(self.vb.width(), 1.0)
        rate = self.document.sample_rate
        points = [lab for lab in tier.labels if lab.is_point and abs(lab.start / rate - t) <= grab]
        if points:
            return min(points, key=lambda lab: abs(lab.start / rate - t))
        regions = [lab for lab in tier.labels
                   if not lab.is_point and lab.start / rate <= t < lab.end / rate]
        return min(regions, key=lambda lab: lab.end - lab.start, default=None)

    def scene_rect_of(self, label_id: str):
        """Where a label is drawn, in scene coordinates (a point gets its text's room)."""
        graphic = self.graphics[label_id]
        rate = self.document.sample_rate
        lab = graphic.label
        top_left = self.vb.mapViewToScene(QPointF(lab.start / rate, 1.0))
        bottom_right = self.vb.mapViewToScene(QPointF(lab.end / rate, 0.0))
        rect = pg.QtCore.QRectF(top_left, bottom_right).normalized()
        if lab.is_point:
            rect.setWidth(POINT_TEXT_PX)
        return rect

    # -- mouse ------------------------------------------------------------------------------
    def _on_box_clicked_at(self, t: float, modifiers) -> None:
        # The document view has already put the cursor at the click; a label's span wins.
        self.activated.emit(self.tier_id)
        if modifiers & Qt.KeyboardModifier.ShiftModifier:
            return
        label = self.label_at(t)
        if label is not None:
            self.document.set_selection(Selection(label.start, label.end))
            self.label_clicked.emit(self.tier_id, label)

    def _on_box_double_clicked_at(self, t: float, _modifiers) -> None:
        label = self.label_at(t)
        if label is not None:
            self.edit_text(label.id)

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 (Qt override)
        # The time view box passes right clicks on; they open the tier's menu.
        if ev.button() != Qt.MouseButton.RightButton:
            ev.ignore()
            return
        ev.accept()
        label = self.label_at(self.vb.mapSceneToView(ev.scenePos()).x())
        self.activated.emit(self.tier_id)
        self.context_menu_requested.emit(self.tier_id, label.id if label else None,
                                         ev.screenPos().toPoint())

    # -- dragging -----------------------------------------------------------------------------
    def _frame_at(self, t: float) -> int:
        return int(min(max(0, round(t * self.document.sample_rate)), self.document.frames))

    def _on_region_changed(self, label_id: str, region: pg.LinearRegionItem) -> None:
        if self._placing:
            return
        a, b = region.getRegion()
        start, end = self._frame_at(a), self._frame_at(b)
        if end <= start:  # a region stays a region while its edges are dragged
            start, end = (start, start + 1) if start < self.document.frames else (end - 1, end)
        self._move(label_id, start, end)

    def _on_point_dragged(self, label_id: str, line: pg.InfiniteLine) -> None:
        if self._placing:
            return
        frame = self._frame_at(line.value())
        self._move(label_id, frame, frame)

    def _move(self, label_id: str, start: int, end: int) -> None:
        graphic = self.graphics.get(label_id)
        if graphic is None or (graphic.label.start, graphic.label.end) == (start, end):
            return
        command = MoveLabelCommand(self.tier_id, label_id, start, end)
        try:
            # The first step of a drag starts a history entry; the rest merge into it.
            self.history.push(command, merge=self._dragging == label_id)
        except EditError:
            self.show_tier()  # put the item back where the label is
            return
        self._dragging = label_id

    def _on_drag_finished(self, *_args) -> None:
        self._dragging = None

    # -- editing text ---------------------------------------------------------------------------
    def edit_text(self, label_id: str) -> LabelTextEditor | None:
        """Open an editor over the label; Enter (or leaving it) sets the text as one step."""
        if label_id not in self.graphics:
            return None
        self.close_editor()
        timeline = self.view.timeline
        rect = timeline.mapFromScene(self.scene_rect_of(label_id)).boundingRect()
        editor = LabelTextEditor(self.graphics[label_id].label.text, timeline.viewport())
        height = editor.sizeHint().height()
        width = min(max(EDITOR_MIN_WIDTH, rect.width()), timeline.viewport().width())
        left = min(max(0, rect.left()), timeline.viewport().width() - width)  # stays on screen
        editor.setGeometry(left, rect.center().y() - height // 2, width, height)
        editor.committed.connect(lambda text: self._on_editor_committed(label_id, text))
        editor.cancelled.connect(self.close_editor)
        self.editor, self._editing = editor, label_id
        editor.show()
        editor.selectAll()
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return editor

    def _on_editor_committed(self, label_id: str, text: str) -> None:
        self.close_editor()
        tier = self.tier
        try:
            old = tier.find(label_id).text if tier else None
        except KeyError:
            return  # the label went away (an undo) while its text was being edited
        if old is not None and text != old:
            try:
                self.history.push(SetLabelTextCommand(self.tier_id, label_id, text))
            except EditError:
                return

    def close_editor(self) -> None:
        editor, self.editor, self._editing = self.editor, None, None
        if editor is not None:
            editor.hide()
            editor.deleteLater()


class LabelTierRows(QObject):
    """The label tier rows of one DocumentView, kept in the order of the document's tiers.

    GUI thread only; parented to the view, listening to the document while
    the view lives.  `current_tier_id` is the tier new labels go into (the
    row clicked last; the first tier by default).  `context_menu_requested`
    and `label_clicked` pass on the rows' signals.
    """

    context_menu_requested = Signal(str, object, object)
    label_clicked = Signal(str, object)  # tier id, Label

    def __init__(self, document: Document, view, history: History) -> None:
        super().__init__(view)
        self.document, self.view, self.history = document, view, history
        self.views: dict[str, LabelTierView] = {}
        self._order: list[str] = []
        self.current_tier_id: str | None = None
        subscribe_while_alive(view, document.labels_changed, self.sync)
        self.sync()

    def sync(self) -> None:
        """Add, remove, reorder and redraw rows to match the document's tiers."""
        ids = [t.id for t in self.document.label_tiers]
        for tier_id in [i for i in self.views if i not in ids]:
            row = self.views.pop(tier_id)
            row.close_editor()
            self.view.remove_timeline_row(row)
        for tier_id in ids:
            if tier_id not in self.views:
                self.views[tier_id] = self._new_row(tier_id)
        if ids != self._order:
            for tier_id in self._order:
                if tier_id in self.views:
                    self.view.remove_timeline_row(self.views[tier_id])
            for tier_id in ids:
                self.view.add_timeline_row(self.views[tier_id], stretch=0)
            self._order = ids
        for row in self.views.values():
            row.show_tier()
        if self.current_tier_id not in ids:
            self.set_current(ids[0] if ids else None)

    def set_current(self, tier_id: str | None) -> None:
        self.current_tier_id = tier_id
        for i, row in self.views.items():
            row.set_current(i == tier_id)

    def _new_row(self, tier_id: str) -> LabelTierView:
        row = LabelTierView(self.document, self.view, self.history, tier_id)
        row.activated.connect(self.set_current)
        row.context_menu_requested.connect(self.context_menu_requested)
        row.label_clicked.connect(self.label_clicked)
        return row

"""The class timeline: a row under the spectrogram showing what each stretch sounds like.

From the document's "classify" analysis it draws, on the shared time axis:

- a heatmap, one row per class (speech on top), each cell the class colour
  at the window's probability (dark: unlikely);
- the merged segments as a coloured band with their labels;
- hatching over stretches where the top two classes are close (uncertain).

Clicking the row selects the segment under the pointer (Shift-click keeps
extending the selection as elsewhere).  Segments of one class can be chosen
together (`choose_class`), for the segment actions (classifier_actions.py).

GUI thread only.  The timeline owns its graphics items; the document, the
document view and the classification belong to others.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor

from workbench.core.analysis.results import Classification, Segment
from workbench.core.document.document import Document
from workbench.core.labels.class_colours import UNCERTAIN_COLOUR, class_colour
from workbench.core.labels.class_segments import uncertain_spans

BACKGROUND = np.array([28, 30, 36], dtype=np.float64)
BAND_GAP = 0.2  # rows between the heatmap and the segment band
BAND_HEIGHT = 1.0
UNCERTAIN_MARGIN = 0.3
MAX_SEGMENT_TEXTS = 300  # label texts beyond this would be unreadable anyway


def heatmap_rgba(result: Classification) -> tuple[np.ndarray, float, float]:
    """RGBA image ``[columns, classes, 4]`` (row 0 = last class) and its time extent.

    Columns are hop-wide steps over the result's span; each shows the window
    whose centre is nearest (a merged result may have a seam in its grid).
    """
    span0, span1 = result.span
    columns = max(1, int(np.ceil((span1 - span0) / result.hop_s - 1e-9)))
    times = span0 + (np.arange(columns) + 0.5) * result.hop_s
    centres = result.window_starts + result.window_s / 2
    nearest = np.clip(np.searchsorted(centres, times), 1, max(1, len(centres) - 1))
    if len(centres) > 1:
        left_closer = times - centres[nearest - 1] < centres[nearest] - times
        nearest = np.where(left_closer, nearest - 1, nearest)
    else:
        nearest = np.zeros(columns, dtype=np.int64)
    probs = result.probabilities[nearest][:, ::-1]  # [columns, classes], first class on top
    colours = np.array([class_colour(lab, result.labels) for lab in result.labels[::-1]], dtype=np.float64)
    rgb = BACKGROUND + probs[..., None] * (colours[None] - BACKGROUND)
    rgba = np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255.0)], axis=-1)
    return rgba.astype(np.uint8), span0, span0 + columns * result.hop_s


class ClassTimeline(pg.PlotItem):
    """Class probabilities and segments of ``document``'s classification (see module doc).

    ``view`` is the DocumentView the row is added to (its time axis and selection).
    """

    segment_clicked = Signal(object)  # Segment
    chosen_changed = Signal(object)  # tuple of chosen Segments
    context_menu_requested = Signal(object)  # QPoint on the screen

    def __init__(self, document: Document, view) -> None:
        super().__init__(viewBox=view.new_time_view_box())
        self.document, self.view = document, view
        self.hideButtons()
        self.setMenuEnabled(False)
        self.result: Classification | None = None
        self.chosen: tuple[Segment, ...] = ()
        self.heatmap = pg.ImageItem()
        self.addItem(self.heatmap)
        self.bands = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[],
                                     pen=pg.mkPen(BACKGROUND.astype(int).tolist()))
        self.addItem(self.bands)
        self.chosen_marks = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[], brush=None,
                                            pen=pg.mkPen((255, 255, 255), width=2))
        self.addItem(self.chosen_marks)
        hatch = QBrush(QColor(*UNCERTAIN_COLOUR, 150), Qt.BrushStyle.BDiagPattern)
        self.uncertain = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[], brush=hatch, pen=None)
        self.addItem(self.uncertain)
        self._texts: list[pg.TextItem] = []
        self.setMinimumHeight(90)
        self.vb.clicked_at.connect(self._on_box_clicked_at)
        self.vb.sigXRangeChanged.connect(self._fit_texts)
        self.vb.sigResized.connect(self._fit_texts)
        document.analyses_changed.connect(self._on_document_analyses_changed)
        view.add_timeline_row(self, stretch=1)
        self.show_result(document.analyses.get("classify"))

    # -- drawing -----------------------------------------------------------
    def show_result(self, result: object) -> None:
        """Draw ``result`` (a Classification; anything else clears the row)."""
        self.result = result if isinstance(result, Classification) else None
        self.chosen = ()
        self._draw()
        self.chosen_changed.emit(self.chosen)

    def _band_y(self, classes: int) -> tuple[float, float]:
        return classes + BAND_GAP, classes + BAND_GAP + BAND_HEIGHT

    def _draw(self) -> None:
        for text in self._texts:
            self.removeItem(text)
        self._texts = []
        result = self.result
        self.setVisible(result is not None)
        if result is None:
            return
        classes = len(result.labels)
        image, t0, t1 = heatmap_rgba(result)
        self.heatmap.setImage(image, autoLevels=False)
        self.heatmap.setRect(t0, 0.0, t1 - t0, classes)
        y0, y1 = self._band_y(classes)
        segs = result.segments
        self.bands.setOpts(x0=[s.start for s in segs], x1=[s.end for s in segs],
                           y0=[y0] * len(segs), y1=[y1] * len(segs),
                           # (pyqtgraph 0.14 fails on an empty brushes list)
                           brushes=[pg.mkBrush(*class_colour(s.label, result.labels))
                                   for s in segs] or None)
        doubtful = uncertain_spans(result.probabilities, result.window_starts, result.window_s,
                                   result.hop_s, UNCERTAIN_MARGIN)
        self.uncertain.setOpts(x0=[a for a, _ in doubtful], x1=[b for _, b in doubtful],
                               y0=[0.0] * len(doubtful), y1=[y1] * len(doubtful))
        for s in segs[:MAX_SEGMENT_TEXTS]:
            text = pg.TextItem(s.label, color=(15, 15, 20), anchor=(0, 0.5))
            text.setPos(s.start, (y0 + y1) / 2)
            text.segment = s
            self.addItem(text)
            self._texts.append(text)
        self._fit_texts()
        ticks = [(classes - 1 - i + 0.5, lab) for i, lab in enumerate(result.labels)]
        self.getAxis("left").setTicks([ticks + [((y0 + y1) / 2, "segments")]])
        self.setYRange(0.0, y1, padding=0.02)
        self._draw_chosen()

    def _fit_texts(self, *_args) -> None:
        """Name only the segments wide enough on screen for their name (no overlaps)."""
        t0, t1 = self.vb.viewRange()[0]
        px_per_s = self.vb.width() / max(t1 - t0, 1e-9)
        for text in self._texts:
            seg = text.segment
            needed = text.boundingRect().width() + 4
            text.setVisible((seg.end - seg.start) * px_per_s >= needed)

    def _draw_chosen(self) -> None:
        if self.result is None:
            return
        y0, y1 = self._band_y(len(self.result.labels))
        self.chosen_marks.setOpts(x0=[s.start for s in self.chosen],
                                  x1=[s.end for s in self.chosen],
                                  y0=[y0] * len(self.chosen), y1=[y1] * len(self.chosen))

    # -- segments ----------------------------------------------------------
    def segment_at(self, time_s: float) -> Segment | None:
        """The segment covering ``time_s`` (None outside the classified span)."""
        if self.result is None:
            return None
        for s in self.result.segments:
            if s.start <= time_s < s.end:
                return s
        return None

    def choose_class(self, label: str) -> tuple[Segment, ...]:
        """Choose every segment labelled ``label`` (the targets of the segment actions)."""
        segments = self.result.segments if self.result is not None else ()
        self.chosen = tuple(s for s in segments if s.label == label)
        self._draw_chosen()
        self.chosen_changed.emit(self.chosen)
        return self.chosen

    def _on_box_clicked_at(self, time_s: float, modifiers) -> None:
        # The document view has already handled the click (cleared the selection);
        # here a plain click selects the segment under the pointer.
        if modifiers & Qt.KeyboardModifier.ShiftModifier:
            return
        segment = self.segment_at(time_s)
        if segment is not None:
            self.view.set_selection((segment.start, segment.end))
            self.segment_clicked.emit(segment)

    def _on_document_analyses_changed(self, kind: str) -> None:
        if not shiboken6.isValid(self):
            # Deleted with its view: the document outlives it, so stop listening.
            self.document.analyses_changed.disconnect(self._on_document_analyses_changed)
            return
        if kind == "classify":
            self.show_result(self.document.analyses.get(kind))

    def mouseClickEvent(self, ev) -> None:  # noqa: N802 (Qt override)
        # The time view box passes on right clicks; they open the segment menu.
        if ev.button() == Qt.MouseButton.RightButton and self.result is not None:
            ev.accept()
            self.context_menu_requested.emit(ev.screenPos().toPoint())
        else:
            ev.ignore()

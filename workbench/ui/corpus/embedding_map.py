"""EmbeddingMap: the segments of a corpus run placed by the classifier's penultimate
features (PCA, or UMAP when installed), coloured by class or by correctness against
the truth.  Hovering a point asks to play its segment, clicking asks to open it, a
lasso drawn with the left button chooses the points inside.

The projection runs as a quiet job on the app's CPU pool (100k segments take seconds):
meanwhile the map says it is placing the points, and only the latest placing is heard."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsPathItem,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from workbench.core.jobs import JobRequest
from workbench.runtime.corpus.embedding_projection import (
    MAP_KIND,
    placed_points,
    projection_methods,
)
from workbench.runtime.inspection_jobs import LatestJobs
from workbench.runtime.job_runner import JobRunner

# Distinct colours for classes (Okabe-Ito, readable by most colour-blind eyes).
_CLASS_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
                  "#F0E442", "#000000")
_CORRECTNESS = (("right", "#009E73"), ("wrong", "#D55E00"), ("no truth", "#999999"))


class _LassoViewBox(pg.ViewBox):
    """A view box whose left-button drag draws a lasso instead of panning (the wheel
    still zooms, the right button still scales).  GUI thread only."""

    lasso_finished = Signal(object)  # QPolygonF in data coordinates

    def __init__(self) -> None:
        super().__init__()
        self._lasso: list[QPointF] = []
        self._path = QGraphicsPathItem()
        self._path.setPen(QPen(QColor("#444444"), 0, Qt.PenStyle.DashLine))
        self.addItem(self._path, ignoreBounds=True)

    def mouseDragEvent(self, ev, axis=None):  # noqa: N802 (pyqtgraph override)
        if ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        if ev.isStart():
            self._lasso = [self.mapSceneToView(ev.buttonDownScenePos())]
        self._lasso.append(self.mapSceneToView(ev.scenePos()))
        path = QPainterPath()
        path.addPolygon(QPolygonF(self._lasso))
        self._path.setPath(path)
        if ev.isFinish():
            self._path.setPath(QPainterPath())
            self.lasso_finished.emit(QPolygonF(self._lasso))


class EmbeddingMap(QWidget):
    """Points are (file row, segment row) pairs; `truth_at(key, start, end)` gives a
    segment's truth label or None (no truth: the correctness colouring is off).
    `runner` places them (GUI thread only; the runner owns the worker).

    Signals, emitted on the GUI thread with a point's (path, start, end):
    `point_hovered` when the pointer reaches a new point, `point_clicked` on a click;
    `points_chosen(list of point indices)` when a lasso closes.
    """

    point_hovered = Signal(str, float, float)
    point_clicked = Signal(str, float, float)
    points_chosen = Signal(list)
    placed = Signal()  # the positions of the current points are in and drawn

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[dict, dict]] = []
        self.positions = np.zeros((0, 2))
        self.placing = False
        self._jobs = LatestJobs(runner, self)
        self._truth_at = None
        self._hovered: int | None = None
        self.view_box = _LassoViewBox()
        self.plot = pg.PlotWidget(viewBox=self.view_box, background="w")
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.legend = QLabel()  # beside the plot, so it never hides a point
        self.legend.setWordWrap(True)
        self.colour_combo = QComboBox()
        self.colour_combo.addItems(["Class", "Correctness"])
        self.projection_combo = QComboBox()
        self.projection_combo.addItems(projection_methods())
        self.hover_label = QLabel("Hover a point to hear it; drag a lasso to choose")
        self.scatters: dict[str, pg.ScatterPlotItem] = {}
        self._lay_out()
        self.colour_combo.currentTextChanged.connect(lambda _text: self._draw())
        self.projection_combo.currentTextChanged.connect(lambda _text: self._place())
        self.view_box.lasso_finished.connect(self._on_view_box_lasso_finished)

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Embedding map, colour by"))
        bar.addWidget(self.colour_combo)
        bar.addWidget(self.projection_combo)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.legend)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.hover_label)

    def show_points(self, points: list[tuple[dict, dict]], truth_at=None) -> None:
        """Place `points` and draw them; `truth_at` None: no correctness colouring."""
        self.points = list(points)
        self._set_truth_at(truth_at)
        self._place()

    def set_truth(self, truth_at) -> None:
        """The truth changed (relabelled): recolour, keeping the places."""
        self._set_truth_at(truth_at)
        self._draw()

    def _set_truth_at(self, truth_at) -> None:
        self._truth_at = truth_at
        self.colour_combo.model().item(1).setEnabled(truth_at is not None)
        if truth_at is None:
            self.colour_combo.setCurrentIndex(0)

    def set_colouring(self, name: str) -> None:
        """"Class" or "Correctness"."""
        self.colour_combo.setCurrentText(name)

    def view_position(self, index: int) -> QPoint:
        """Where point `index` is drawn, in the plot's viewport coordinates."""
        x, y = self.positions[index]
        scene = self.view_box.mapViewToScene(QPointF(float(x), float(y)))
        return self.plot.mapFromScene(scene)

    def stop_placing(self) -> None:
        """Cancel a placing still running; its result is never drawn (the run closed)."""
        self._jobs.forget(MAP_KIND)
        self.placing = False

    def _place(self) -> None:
        self.positions = np.zeros((0, 2))
        if not self.points:
            self.stop_placing()
            self._on_placed(self.positions)
            return
        self.placing = True
        self._draw()  # the old points go; nothing is drawn until the new places are in
        self.legend.setText(f"Placing {len(self.points):,} points…")
        method = self.projection_combo.currentText()
        embeddings = [s["embedding"] for _row, s in self.points]
        request = JobRequest(MAP_KIND, f"Placing the corpus map ({method})")
        self._jobs.submit(MAP_KIND, request, lambda c: placed_points(embeddings, method, c),
                          self._on_placed, self._on_place_failed)

    def _on_placed(self, positions: np.ndarray) -> None:
        self.placing = False
        self.positions = positions
        self._draw()
        self.view_box.autoRange(padding=0.1)
        self.placed.emit()

    def _on_place_failed(self, error: BaseException) -> None:
        self.placing = False
        self.legend.setText(f"Cannot place the points: {error}")

    def groups(self) -> dict[str, list[int]]:
        """Point indices per colour group (a class, or right/wrong/no truth)."""
        groups: dict[str, list[int]] = {}
        by_class = self.colour_combo.currentText() == "Class"
        for i, (row, segment) in enumerate(self.points):
            groups.setdefault(segment["label"] if by_class else
                              self._correctness(row, segment), []).append(i)
        return groups

    def _correctness(self, row: dict, segment: dict) -> str:
        truth = self._truth_at(row["key"], segment["start"], segment["end"])
        return "no truth" if truth is None else ("right" if truth == segment["label"]
                                                 else "wrong")

    def _draw(self) -> None:
        for scatter in self.scatters.values():
            self.plot.removeItem(scatter)
        self.scatters = {}
        if len(self.positions) != len(self.points):  # still placing: nothing to draw yet
            return
        keys = []
        colours = dict(_CORRECTNESS) if self.colour_combo.currentText() == "Correctness" \
            else {}
        groups = self.groups()
        for n, (name, indices) in enumerate(sorted(groups.items())):
            colour = colours.get(name, _CLASS_COLOURS[n % len(_CLASS_COLOURS)])
            scatter = pg.ScatterPlotItem(
                pos=self.positions[indices], data=indices, size=9, hoverable=True,
                brush=pg.mkBrush(colour), pen=pg.mkPen("w", width=0.5),
                hoverBrush=pg.mkBrush(colour), hoverSize=14, tip=None, name=name)
            scatter.sigHovered.connect(self._on_scatter_hovered)
            scatter.sigClicked.connect(self._on_scatter_clicked)
            self.plot.addItem(scatter)
            self.scatters[name] = scatter
            keys.append(f'<span style="color:{colour}">&#9679;</span>&nbsp;{name}&nbsp;'
                        f'{len(indices)}')
        self.legend.setText(" &nbsp; ".join(keys))

    def _describe(self, index: int) -> str:
        row, segment = self.points[index]
        truth = self._truth_at(row["key"], segment["start"], segment["end"]) \
            if self._truth_at else None
        return (f"{row['relative']}  {segment['start']:.2f}–{segment['end']:.2f} s  "
                f"{segment['label']}" + (f" (truth {truth})" if truth else ""))

    def _on_scatter_hovered(self, _item, points, _event) -> None:
        index = int(points[0].data()) if len(points) else None
        if index is None or index == self._hovered:
            self._hovered = index
            return
        self._hovered = index
        row, segment = self.points[index]
        self.hover_label.setText(self._describe(index))
        self.point_hovered.emit(row["path"], segment["start"], segment["end"])

    def _on_scatter_clicked(self, _item, points, _event) -> None:
        row, segment = self.points[int(points[0].data())]
        self.point_clicked.emit(row["path"], segment["start"], segment["end"])

    def _on_view_box_lasso_finished(self, polygon: QPolygonF) -> None:
        if polygon.size() < 3:
            return
        chosen = [i for i, (x, y) in enumerate(self.positions)
                  if polygon.containsPoint(QPointF(float(x), float(y)),
                                           Qt.FillRule.OddEvenFill)]
        self.points_chosen.emit(chosen)

"""The posteriorgram row: what the recognizer emits frame by frame, under the spectrogram.

An image with one row per symbol (the CTC blank at the bottom, then each
character) and one column per 40 ms output frame, brightness the probability,
on the document's shared time axis; the best path (the most probable symbol
at each frame) is drawn over it as a line.  `show_hover(time_s)` writes the top
symbols and their probabilities at that time in the row's title (the recognizer
room calls it as the pointer moves over the document view).

GUI thread only.  The row owns its graphics items; the document view and the
posteriorgram belong to others.  Hidden until it has a posteriorgram.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from workbench.core.analysis.posteriorgram import Posteriorgram

TOP_SYMBOLS = 3
TICK_PX = 11  # a symbol's name needs about this much height to be read
PATH_PEN = (255, 120, 60)


def probability_image(gram: Posteriorgram) -> np.ndarray:
    """uint8 image ``[frames, symbols]`` of the probabilities (255 = certain)."""
    probs = np.exp(gram.log_probs.astype(np.float64))
    return np.clip(np.round(probs * 255), 0, 255).astype(np.uint8)


def _lut() -> np.ndarray:
    """Dark blue through teal to pale yellow: small probabilities stay visible."""
    x = np.linspace(0.0, 1.0, 256)
    rgb = np.stack([40 + 215 * x ** 1.5, 30 + 200 * np.sqrt(x), 60 + 90 * x], axis=1)
    return np.clip(rgb, 0, 255).astype(np.uint8)


class PosteriorgramRow(pg.PlotItem):
    """The recognizer's posteriorgram for the document of ``view`` (see module doc)."""

    def __init__(self, view) -> None:
        super().__init__(viewBox=view.new_time_view_box())
        self.view = view
        self.hideButtons()
        self.setMenuEnabled(False)
        self.gram: Posteriorgram | None = None
        self.image = pg.ImageItem()
        self.image.setLookupTable(_lut())
        self.addItem(self.image)
        self.path = pg.PlotDataItem(pen=pg.mkPen(PATH_PEN, width=1.5))
        self.addItem(self.path)
        self.setMinimumHeight(120)
        self.vb.sigResized.connect(self._name_rows)
        view.add_timeline_row(self, stretch=1)
        self.setVisible(False)

    def show_posteriorgram(self, gram: Posteriorgram | None) -> None:
        """Draw ``gram`` (None hides the row)."""
        self.gram = gram
        self.setVisible(gram is not None and gram.frames > 0)
        if gram is None or gram.frames == 0:
            return
        symbols = gram.log_probs.shape[1]
        self.image.setImage(probability_image(gram), autoLevels=False, levels=(0, 255))
        self.image.setRect(gram.start, 0.0, gram.frames * gram.seconds_per_frame, symbols)
        x, y = self.path_points()
        self.path.setData(x, y, stepMode="center")
        self.vb.setYRange(0, symbols, padding=0)
        self._name_rows()
        self.setTitle("")

    def _name_rows(self, *_args) -> None:
        """Name every symbol row when they fit, else every k-th (names never overlap)."""
        if self.gram is None:
            return
        names = self.gram.symbol_names
        step = max(1, int(np.ceil(len(names) * TICK_PX / max(self.vb.height(), 1.0))))
        self.getAxis("left").setTicks([[(i + 0.5, n) for i, n in enumerate(names)
                                        if i % step == 0]])

    def path_points(self) -> tuple[np.ndarray, np.ndarray]:
        """The best path as step edges (frames + 1 times) and row centres (frames)."""
        gram = self.gram
        edges = gram.start + np.arange(gram.frames + 1) * gram.seconds_per_frame
        return edges, gram.best_path().astype(np.float64) + 0.5

    def hover_text(self, time_s: float) -> str:
        """The top symbols and probabilities at ``time_s`` ("" off the posteriorgram)."""
        frame = self.gram.frame_at(time_s) if self.gram is not None else None
        if frame is None:
            return ""
        tops = ", ".join(f"{name} {p:.2f}" for name, p in
                         self.gram.top_symbols(frame, TOP_SYMBOLS))
        return f"{time_s:.2f} s: {tops}"

    def show_hover(self, time_s: float) -> None:
        if self.isVisible():
            self.setTitle(self.hover_text(time_s), size="8pt")

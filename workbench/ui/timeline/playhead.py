"""The playhead: a vertical line in every timeline row of a DocumentView.

Positions arrive at the player's rate (~60 Hz); the line moves at most once per
screen frame and never makes the waveforms or the spectrogram recompute (only
the line items move).  When following, the view pages on as the playhead
leaves it, as in Audacity's "page" scrolling.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QObject, QTimer

from workbench.ui.timeline.document_view import DocumentView

FRAME_INTERVAL_MS = 16  # at most ~60 moves per second
PLAYHEAD_PEN = (255, 200, 40)


class Playhead(QObject):
    """Playhead lines of one DocumentView.  GUI thread only.

    The playhead owns its lines (one per timeline row, added to the row's plot
    with ignoreBounds); the view owns the rows.  Rows that appear later (label
    tiers, class timelines, new channel lanes) get a line on the next move.
    """

    def __init__(self, view: DocumentView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.following = True
        self.moves = 0  # how often the lines were moved (for tests and benchmarks)
        self._lines: dict[pg.PlotItem, pg.InfiniteLine] = {}
        self._frame = 0
        self._shown_frame: int | None = None
        self._playing = False
        self._visible = False
        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(FRAME_INTERVAL_MS)
        self._throttle.timeout.connect(self._on_throttle_timeout)

    @property
    def frame(self) -> int:
        """The frame the lines show now."""
        return self._shown_frame if self._shown_frame is not None else self._frame

    def lines(self) -> list[pg.InfiniteLine]:
        return list(self._lines.values())

    def set_active(self, visible: bool, playing: bool) -> None:
        """Show the lines (playing or paused) or hide them (stopped); page only while playing."""
        self._visible, self._playing = visible, playing
        self._sync_rows()
        for line in self._lines.values():
            line.setVisible(visible)

    def set_position(self, frame: int) -> None:
        """Move to `frame` now if a screen frame has passed since the last move, else soon."""
        self._frame = frame
        if not self._throttle.isActive():
            self._move()
            self._throttle.start()

    def detach(self) -> None:
        """Take the lines out of the rows (the view stays)."""
        self._throttle.stop()
        for plot, line in self._lines.items():
            plot.removeItem(line)
        self._lines.clear()

    def _on_throttle_timeout(self) -> None:
        if self._frame != self._shown_frame:
            self._move()
            self._throttle.start()

    def _move(self) -> None:
        self._sync_rows()
        seconds = self._frame / self.view.document.sample_rate
        for line in self._lines.values():
            line.setPos(seconds)
        self._shown_frame = self._frame
        self.moves += 1
        if self.following and self._playing:
            self._page_to(seconds)

    def _page_to(self, seconds: float) -> None:
        t0, t1 = self.view.visible_range()
        if t0 <= seconds <= t1:
            return
        width = t1 - t0
        start = min(seconds, max(0.0, self.view.document.duration - width))
        self.view.set_visible_range(start, start + width)

    def _sync_rows(self) -> None:
        plots = [item for item in self.view.timeline.ci.items if isinstance(item, pg.PlotItem)]
        for plot in plots:
            if plot not in self._lines:
                line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(*PLAYHEAD_PEN))
                line.setZValue(30)
                line.setVisible(self._visible)
                line.setPos(self.frame / self.view.document.sample_rate)
                plot.addItem(line, ignoreBounds=True)
                self._lines[plot] = line

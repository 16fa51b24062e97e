"""A peak/RMS level meter: one horizontal bar per channel, held peaks, a clip lamp.

The meter draws whatever `Levels` it is given (`set_levels`), or computes them
itself from blocks of samples (`feed`) with a LevelTracker.  Clicking it puts
the clip lamps out.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from workbench.core.audio.level import Levels, LevelTracker, amplitude_to_db

FLOOR_DB = -60.0  # the left end of the scale
_BAR_H = 7
_GAP = 2
_LAMP_W = 10
_RMS = QColor(46, 160, 67)
_PEAK = QColor(140, 210, 120)
_HOT = QColor(230, 180, 40)  # above -6 dBFS
_HELD = QColor(240, 240, 240)
_BACK = QColor(30, 30, 30)
_CLIP_ON = QColor(220, 40, 40)
_CLIP_OFF = QColor(70, 30, 30)


def db_to_fraction(db: np.ndarray | float) -> np.ndarray:
    """Position along the bar (0..1) of a level in dBFS."""
    return np.clip((np.asarray(db, dtype=np.float64) - FLOOR_DB) / -FLOOR_DB, 0.0, 1.0)


class LevelMeter(QWidget):
    """Draws peak, RMS and held peak per channel, in dBFS from -60 to 0.

    GUI thread only.  `clip_reset` is emitted when the user puts the clip lamps
    out by clicking.
    """

    clip_reset = Signal()

    def __init__(self, channels: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tracker = LevelTracker(channels)
        self._levels = Levels.silent(channels)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolTip("Input level (peak, RMS and held peak in dBFS). Click to reset clip.")

    # -- data ------------------------------------------------------------------------
    def levels(self) -> Levels:
        return self._levels

    def set_levels(self, levels: Levels) -> None:
        """Show these levels (one entry per channel)."""
        resized = levels.channels != self._levels.channels
        self._levels = levels
        if resized:
            self.updateGeometry()
        self.update()

    def feed(self, samples: np.ndarray, now_s: float | None = None) -> None:
        """Take in the newest block of float32 frames x channels and show its levels."""
        if samples is None or len(samples) == 0:
            return
        now = time.monotonic() if now_s is None else now_s
        self.set_levels(self._tracker.update(samples, now))

    def reset(self, channels: int | None = None) -> None:
        """Back to silence (a new input, or recording ended)."""
        self._tracker.reset(channels)
        self.set_levels(self._tracker.levels)

    def reset_clip(self) -> None:
        self._tracker.reset_clip()
        lv = self._levels
        self.set_levels(Levels(lv.peak, lv.rms, lv.held_peak, np.zeros(lv.channels, bool)))
        self.clip_reset.emit()

    # -- Qt ----------------------------------------------------------------------------
    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(200, self._height_for(self._levels.channels))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return QSize(60, self._height_for(self._levels.channels))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton:
            self.reset_clip()
        super().mousePressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        lv = self._levels
        # `with`, so the painter ends even if painting raises: a painter kept alive by
        # the exception's traceback (pytest-qt keeps it; so would a log) outlives the
        # paint event and its paint engine, and ending it later calls into the freed
        # engine (a segfault in QPainter::end; Qt warns "endPaint() called with active
        # painter" first).
        with QPainter(self) as painter:
            width = max(1, self.width() - _LAMP_W - _GAP)
            peak = db_to_fraction(amplitude_to_db(lv.peak))
            rms = db_to_fraction(amplitude_to_db(lv.rms))
            held = db_to_fraction(amplitude_to_db(lv.held_peak))
            hot = float(db_to_fraction(-6.0))
            for ch in range(lv.channels):
                y = _GAP + ch * (_BAR_H + _GAP)
                painter.fillRect(QRectF(0, y, width, _BAR_H), _BACK)
                painter.fillRect(QRectF(0, y, width * peak[ch], _BAR_H), _PEAK)
                painter.fillRect(QRectF(0, y, width * min(rms[ch], hot), _BAR_H), _RMS)
                if rms[ch] > hot:
                    painter.fillRect(QRectF(width * hot, y, width * (rms[ch] - hot), _BAR_H), _HOT)
                if held[ch] > 0:
                    painter.fillRect(QRectF(width * held[ch] - 1, y, 2, _BAR_H), _HELD)
                lamp = _CLIP_ON if lv.clipped[ch] else _CLIP_OFF
                painter.fillRect(QRectF(width + _GAP, y, _LAMP_W, _BAR_H), lamp)

    @staticmethod
    def _height_for(channels: int) -> int:
        return _GAP + max(1, channels) * (_BAR_H + _GAP)

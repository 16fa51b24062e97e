"""A one-line label that ends in "…" instead of widening its panel."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy


class ElidedLabel(QLabel):
    """Shows as much of `text()` as fits, ending in "…" (or starting with it, for
    `elide=Qt.TextElideMode.ElideLeft`, which keeps a path's file name); the
    tooltip has it all.

    A plain QLabel asks for its whole text's width, so one long file name in a
    narrow dock squeezes the buttons beside it (the jobs panel's "Cancel" was
    cut to "Cance").  `text()` still returns the full text.
    """

    def __init__(self, text: str = "", bold: bool = False,
                 elide: Qt.TextElideMode = Qt.TextElideMode.ElideRight) -> None:
        super().__init__(text)
        self._elide = elide
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setToolTip(text)
        if bold:
            font = self.font()
            font.setBold(True)
            self.setFont(font)

    def minimumSizeHint(self) -> QSize:
        # Room for a few characters and the ellipsis: it may shrink that far, no further.
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("Mmmm…")),
                     hint.height())

    def shown_text(self) -> str:
        """What fits in the label's width now."""
        return self.fontMetrics().elidedText(self.text(), self._elide,
                                             self.contentsRect().width())

    def paintEvent(self, _event) -> None:
        # `with`: the painter ends here even if painting raises (see level_meter.py).
        with QPainter(self) as painter:
            painter.setPen(self.palette().color(self.foregroundRole()))
            painter.drawText(self.contentsRect(),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             self.shown_text())

"""Presenter mode: large fonts, every dock hidden but the lesson's, a high-contrast spectrogram.

Leaving it puts back the font, the docks and each spectrogram's colour map as
they were.  GUI thread only; `window` is the MainWindow.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDockWidget

from workbench.ui.timeline.document_view import DocumentView

FONT_SCALE = 1.6
COLORMAP = "greyscale"  # black to white: the widest luminance range a projector shows
KEPT_DOCKS = ("lesson",)


class PresenterMode(QObject):
    """Turns presenter mode on and off (`set_active`); emits `toggled(bool)`."""

    toggled = Signal(bool)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self._font: QFont | None = None
        self._docks: dict[QDockWidget, bool] = {}
        self._colormaps: dict[DocumentView, str] = {}
        window.loader.loaded.connect(self._on_loader_loaded)
        window.document_closed.connect(self._on_window_document_closed)

    def set_active(self, active: bool) -> None:
        if active == self.active:
            return
        self.active = active
        if active:
            self._enter()
        else:
            self._leave()
        self.toggled.emit(active)

    def _enter(self) -> None:
        self._font = QFont(self.window.font())
        self.window.setFont(_scaled(self._font, FONT_SCALE))
        self._docks = {dock: dock.isVisible() for dock in self.window.findChildren(QDockWidget)
                       if dock.objectName() not in KEPT_DOCKS}
        for dock in self._docks:
            dock.hide()
        for entry in self.window.open_documents:
            self._recolor(entry.view)

    def _leave(self) -> None:
        self.window.setFont(self._font)
        for dock, shown in self._docks.items():
            dock.setVisible(shown)
        for view, colormap in self._colormaps.items():
            view.spectrogram.set_settings(replace(view.spectrogram.settings, colormap=colormap))
        self._docks.clear()
        self._colormaps.clear()

    def _recolor(self, view: DocumentView) -> None:
        settings = view.spectrogram.settings
        self._colormaps.setdefault(view, settings.colormap)
        view.spectrogram.set_settings(replace(settings, colormap=COLORMAP))

    def _on_loader_loaded(self, document) -> None:
        entry = next((e for e in self.window.open_documents if e.document is document), None)
        if self.active and entry is not None:
            self._recolor(entry.view)

    def _on_window_document_closed(self, entry) -> None:
        self._colormaps.pop(entry.view, None)


def _scaled(font: QFont, factor: float) -> QFont:
    scaled = QFont(font)
    if font.pointSizeF() > 0:
        scaled.setPointSizeF(font.pointSizeF() * factor)
    else:
        scaled.setPixelSize(round(font.pixelSize() * factor))
    return scaled

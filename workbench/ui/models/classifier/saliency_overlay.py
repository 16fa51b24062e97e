"""The classifier's saliency for one window, drawn over the spectrogram.

The network's input rows are mel bands (up to the model's Nyquist frequency);
the spectrogram's rows follow its own scale (linear, log or mel) and sample
rate.  Each display row takes the band whose centre is nearest its
frequency, so the hot spots sit on the very harmonics that caused them.
Only positive evidence is drawn, in a warm colour whose opacity grows with
it; a frame outlines the window.

GUI thread only.  The overlay owns its two graphics items on the spectrogram.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from workbench.core.analysis.spectrogram import SpectrogramSettings, row_to_frequency

HOT = (60, 255, 190)  # cyan-green: stands out on the warm spectrogram colormaps
MAX_ALPHA = 220
DISPLAY_ROWS = 192


def saliency_rows(saliency: np.ndarray, band_edges_hz: np.ndarray, settings: SpectrogramSettings,
                  sample_rate: float, rows: int = DISPLAY_ROWS) -> np.ndarray:
    """Positive saliency ``[frames, rows]`` resampled onto the spectrogram's display rows,
    scaled to [0, 1]; zero above the top band (the network never heard it)."""
    positive = np.clip(np.asarray(saliency, dtype=np.float64), 0.0, None)
    peak = float(positive.max()) if positive.size else 0.0
    if peak <= 0.0:
        return np.zeros((positive.shape[1] if positive.ndim == 2 else 0, rows))
    centres = np.asarray(band_edges_hz, dtype=np.float64)[1:-1]
    display = (np.arange(rows) + 0.5) * settings.rows / rows
    hz = np.asarray(row_to_frequency(display, settings, sample_rate), dtype=np.float64)
    band = np.clip(np.searchsorted(centres, hz), 1, len(centres) - 1)
    band = np.where(hz - centres[band - 1] < centres[band] - hz, band - 1, band)
    values = positive[band, :].T / peak  # [frames, rows]
    values[:, hz > band_edges_hz[-1]] = 0.0
    return values


class SaliencyOverlay:
    """Saliency of an inspected window on ``spectrogram`` (a SpectrogramView)."""

    def __init__(self, spectrogram) -> None:
        self.spectrogram = spectrogram
        self.image = pg.ImageItem()
        self.image.setZValue(10)
        self.frame = pg.PlotCurveItem(pen=pg.mkPen((255, 255, 255, 200), width=1))
        self.frame.setZValue(11)
        spectrogram.addItem(self.image, ignoreBounds=True)
        spectrogram.addItem(self.frame, ignoreBounds=True)
        self.inspection = None
        self.clear()

    def show(self, inspection, sample_rate: float) -> None:
        """Draw ``inspection``'s saliency (a WindowInspection) for a document at ``sample_rate``."""
        settings = self.spectrogram.settings
        values = saliency_rows(inspection.saliency, inspection.view.band_edges_hz, settings,
                               sample_rate)
        rgba = np.zeros(values.shape + (4,), dtype=np.uint8)
        rgba[..., :3] = HOT
        # Square root: saliency is peaky, and a linear ramp would hide all but the top cell.
        rgba[..., 3] = (np.sqrt(values) * MAX_ALPHA).astype(np.uint8)
        frames = values.shape[0]
        width = frames * inspection.view.frame_s
        start = inspection.start_s
        self.image.setImage(rgba, autoLevels=False)
        self.image.setRect(start, 0.0, width, settings.rows)
        top = settings.rows
        self.frame.setData([start, start + width, start + width, start, start],
                           [0, 0, top, top, 0])
        self.image.show()
        self.frame.show()
        self.inspection = inspection

    def clear(self) -> None:
        self.image.hide()
        self.frame.hide()
        self.inspection = None

"""A dialog for the spectrogram settings: window, hop, dB range, scale, colours, channel."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from workbench.core.analysis.colormaps import COLORMAP_NAMES
from workbench.core.analysis.frequency_scale import SCALES
from workbench.core.analysis.spectrogram import SpectrogramSettings
from workbench.core.analysis.stft import WINDOWS
from workbench.ui.dialogs.dialog_buttons import ok_cancel_buttons

WINDOW_LENGTHS = tuple(2**k for k in range(8, 15))  # 256 .. 16384 samples
SCALE_LABELS = {"linear": "Linear", "log": "Logarithmic", "mel": "Mel"}
WINDOW_LABELS = {"hann": "Hann", "hamming": "Hamming", "blackman": "Blackman",
                 "rectangular": "Rectangular"}
COLORMAP_LABELS = {"magma": "Magma", "viridis": "Viridis", "greyscale": "Greyscale"}


def _combo(items: list[tuple[str, object]], current: object) -> QComboBox:
    """A combo box of (label, value) items with `current` selected."""
    combo = QComboBox()
    for label, value in items:
        combo.addItem(label, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


class SpectrogramSettingsDialog(QDialog):
    """Edits a copy of SpectrogramSettings; get_settings() returns the result.

    `channels` is the number of channels of the audio, offered next to the
    mix of all of them.  GUI thread only.
    """

    def __init__(self, settings: SpectrogramSettings, parent: QWidget | None = None,
                 channels: int = 2) -> None:
        super().__init__(parent)
        self.setWindowTitle("Spectrogram Settings")
        self._settings = settings
        self.window_length = _combo([(f"{n} samples", n) for n in WINDOW_LENGTHS],
                                    settings.window_length)
        self.window = _combo([(WINDOW_LABELS[w], w) for w in WINDOWS], settings.window)
        self.hop = QSpinBox()
        self.hop.setSuffix(" samples")
        self.hop.setRange(16, settings.window_length)
        self.hop.setValue(settings.hop)
        self.db_range = QDoubleSpinBox()
        self.db_range.setRange(20.0, 200.0)
        self.db_range.setSingleStep(10.0)
        self.db_range.setDecimals(0)
        self.db_range.setSuffix(" dB")
        self.db_range.setValue(settings.db_range)
        self.scale = _combo([(SCALE_LABELS[s], s) for s in SCALES], settings.scale)
        self.colormap = _combo([(COLORMAP_LABELS[c], c) for c in COLORMAP_NAMES],
                               settings.colormap)
        channel_items = [("Mix of all channels", None)] + [
            (f"Channel {c + 1}", c) for c in range(channels)]
        self.channel = _combo(channel_items, settings.channel)

        form = QFormLayout(self)
        form.addRow("Window length:", self.window_length)
        form.addRow("Window type:", self.window)
        form.addRow("Hop:", self.hop)
        form.addRow("Dynamic range:", self.db_range)
        form.addRow("Frequency scale:", self.scale)
        form.addRow("Colours:", self.colormap)
        form.addRow("Channel:", self.channel)
        buttons = ok_cancel_buttons(self)
        form.addRow(buttons)
        self.window_length.currentIndexChanged.connect(self._on_window_length_changed)

    def _on_window_length_changed(self, _index: int) -> None:
        # A hop longer than the window would skip audio between frames.
        self.hop.setMaximum(self.window_length.currentData())

    def get_settings(self) -> SpectrogramSettings:
        """The settings as the dialog shows them (rows are kept from the input)."""
        return SpectrogramSettings(
            window_length=self.window_length.currentData(),
            window=self.window.currentData(),
            hop=self.hop.value(),
            db_range=self.db_range.value(),
            scale=self.scale.currentData(),
            colormap=self.colormap.currentData(),
            channel=self.channel.currentData(),
            rows=self._settings.rows,
        )

"""What is being recorded: a live waveform, a scrolling spectrogram, elapsed and disk time.

The capture thread never touches these widgets: a GUI timer (30 Hz) reads the
newest seconds from the recorder's bounded ring (`recent_samples`) and redraws
(Friture's pattern).  The spectrogram is a small numpy STFT of those seconds.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from workbench.core.analysis.colormaps import colormap_lut
from workbench.core.analysis.stft import analysis_window, magnitude_spectrum
from workbench.core.time_format import TimeFormat, format_time
from workbench.runtime.recorder import Recorder, RecorderState
from workbench.ui.panels.transport_bar import format_duration

REFRESH_MS = 33  # 30 Hz
WAVEFORM_SECONDS = 3.0
SPECTROGRAM_SECONDS = 6.0
WAVEFORM_COLUMNS = 800
FFT_SIZE = 512
FLOOR_DB = -100.0


def live_spectrogram(mono: np.ndarray, fft_size: int = FFT_SIZE) -> np.ndarray:
    """uint8 levels (frames, bins) of `mono`: hop fft_size/2, hann, FLOOR_DB..0 dBFS."""
    hop = fft_size // 2
    count = (len(mono) - fft_size) // hop + 1
    if count <= 0:
        return np.zeros((0, fft_size // 2 + 1), np.uint8)
    frames = np.lib.stride_tricks.sliding_window_view(mono, fft_size)[::hop][:count]
    spectrum = magnitude_spectrum(frames, analysis_window("hann", fft_size))
    db = 20.0 * np.log10(np.maximum(spectrum, 1e-10))
    scaled = (db - FLOOR_DB) * (255.0 / -FLOOR_DB)
    return np.clip(scaled, 0, 255).astype(np.uint8).T


def min_max_columns(mono: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) of a min/max outline of `mono` in at most `columns` columns."""
    per = max(1, len(mono) // columns)
    usable = mono[len(mono) - (len(mono) // per) * per:].reshape(-1, per)
    x = np.repeat(np.arange(len(usable), dtype=np.float64) * per, 2)
    y = np.column_stack([usable.min(axis=1), usable.max(axis=1)]).ravel()
    return x, y


class ScrollingSpectrogram:
    """The last few seconds of live spectrogram, extended by only the new frames.

    Each refresh transforms just the frames that the newly arrived samples
    complete and shifts the image, instead of re-transforming seconds of audio
    30 times a second (that kept the GUI thread busy ~20 ms a tick).
    """

    def __init__(self, columns: int, fft_size: int = FFT_SIZE) -> None:
        self.fft_size, self.hop = fft_size, fft_size // 2
        self.levels = np.zeros((columns, fft_size // 2 + 1), np.uint8)  # oldest first
        self._next_start = 0  # absolute sample index where the next frame starts

    def restart(self) -> None:
        self.levels[:] = 0
        self._next_start = 0

    @property
    def next_start(self) -> int:
        """Absolute sample index from which the next update needs samples."""
        return self._next_start

    def update(self, mono: np.ndarray, start: int) -> None:
        """`mono` holds the samples from absolute index `start` on (the newest ones)."""
        if self._next_start < start:  # fell behind the ring: skip what is gone
            self._next_start = start + (-(start - self._next_start)) % self.hop
        total = start + len(mono)
        count = (total - self._next_start - self.fft_size) // self.hop + 1
        if count <= 0:
            return
        span = mono[self._next_start - start:]
        new = live_spectrogram(span[: (count - 1) * self.hop + self.fft_size], self.fft_size)
        new = new[-len(self.levels):]
        self.levels = np.roll(self.levels, -len(new), axis=0)
        self.levels[-len(new):] = new
        self._next_start += count * self.hop


class RecordingMonitor(QWidget):
    """Live view of the take being recorded.  GUI thread only.

    It reads from the recorder (which it does not own) only while a take is
    running; `refreshes` counts redraws for tests and benchmarks.
    """

    def __init__(self, recorder: Recorder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recorder = recorder
        self.refreshes = 0
        self._scroll: ScrollingSpectrogram | None = None
        self._scroll_rate: int | None = None
        self.waveform = pg.PlotWidget()
        self.waveform.setRange(xRange=(0, WAVEFORM_SECONDS), yRange=(-1, 1), padding=0)
        self.waveform.setMouseEnabled(False, False)
        self.waveform.hideButtons()
        self.waveform.getPlotItem().hideAxis("bottom")
        self.curve = self.waveform.plot(pen=pg.mkPen(90, 200, 255))
        self.spectrogram = pg.PlotWidget()
        self.spectrogram.setMouseEnabled(False, False)
        self.spectrogram.hideButtons()
        self.spectrogram.getPlotItem().hideAxis("bottom")
        self.spectrogram.setXRange(0, SPECTROGRAM_SECONDS, padding=0)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(colormap_lut("magma"))
        self.image.setLevels((0, 255))
        self.spectrogram.addItem(self.image)
        self.time_label = QLabel()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.time_label)
        layout.addWidget(self.waveform, 1)
        layout.addWidget(self.spectrogram, 2)
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        recorder.state_changed.connect(self._on_recorder_state_changed)

    def is_running(self) -> bool:
        return self._timer.isActive()

    def add_row(self, widget: QWidget) -> None:
        """Show `widget` under the live views (a model room's live output)."""
        self.layout().addWidget(widget)

    def _on_recorder_state_changed(self, state: RecorderState) -> None:
        if state is RecorderState.IDLE:
            self._timer.stop()
        elif not self._timer.isActive():
            if self._scroll is not None:
                self._scroll.restart()
            self._timer.start()
            self._on_timer_timeout()

    def _on_timer_timeout(self) -> None:
        rate = self.recorder.sample_rate
        if rate is None:
            return
        recent = self.recorder.recent_samples(int(WAVEFORM_SECONDS * rate))
        if recent is None:
            return
        mono = recent.mean(axis=1) if recent.ndim == 2 else recent
        if len(mono):
            x, y = min_max_columns(mono, WAVEFORM_COLUMNS)
            self.curve.setData(x / rate, y)
        if self._scroll is None or self._scroll_rate != rate:
            columns = int(SPECTROGRAM_SECONDS * rate) // (FFT_SIZE // 2)
            self._scroll, self._scroll_rate = ScrollingSpectrogram(columns), rate
        ring = self.recorder.ring
        if ring is not None:
            start, fresh = ring.read_since(self._scroll.next_start)
            self._scroll.update(fresh.mean(axis=1) if fresh.ndim == 2 else fresh, start)
        levels = self._scroll.levels
        self.image.setImage(levels.T, autoLevels=False)
        self.image.setRect(0, 0, len(levels) * (FFT_SIZE / 2 / rate), rate / 2)
        elapsed = format_time(self.recorder.frames_recorded(), rate, TimeFormat.HMS, 1)
        disk = format_duration(self.recorder.remaining_disk_seconds())
        self.time_label.setText(f"Recording {elapsed} \u00b7 disk left {disk}")
        self.refreshes += 1

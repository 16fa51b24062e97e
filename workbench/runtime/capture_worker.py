"""The capture side of a recording: a QAudioSource on its own thread.

The worker lives on the recorder's capture thread, so a busy GUI thread can
never make the device's buffer overflow.  On each readyRead it reads
everything the source holds, hands the block to the take writer (which
queues it for the writer thread) and to the sample ring (for live views),
and asks the gap detector whether input was lost meanwhile; while it judges a
suspected loss, the blocks after it wait here (at most a second), so that the
silence standing in for the loss lands exactly between the blocks around it.  It never touches
widgets and never waits on the disk.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSource, QtAudio

from workbench.core.audio.audio_convert import decode
from workbench.core.audio.input_gaps import GapVerdict, InputGapDetector
from workbench.core.storage.take_recovery import DropoutCause
from workbench.runtime.audio_devices import (
    AudioDeviceError,
    AudioStreamError,
    core_sample_format,
    describe_format,
)
from workbench.runtime.sample_ring import SampleRing
from workbench.runtime.take_writer import TakeWriter


class CaptureWorker(QObject):
    """Owns the QAudioSource of one recording; lives on the capture thread.

    `start_capture`/`stop_capture` are invoked from the recorder through
    blocking queued connections.  `failed(exception)` is emitted on the
    capture thread (the recorder receives it queued, on the GUI thread).
    `paused` is set from the GUI thread: a plain bool, read once per block.
    """

    failed = Signal(object)

    def __init__(self, device: QAudioDevice, fmt: QAudioFormat, writer: TakeWriter,
                 ring: SampleRing, buffer_s: float) -> None:
        super().__init__()
        self._device, self._format = device, fmt
        self._writer, self._ring = writer, ring
        self._buffer_s = buffer_s
        self._sample_format = core_sample_format(fmt)
        self._channels = fmt.channelCount()
        self._bytes_per_frame = fmt.bytesPerFrame()
        self._detector = InputGapDetector(fmt.sampleRate())
        self._source: QAudioSource | None = None
        self._io = None
        self._partial = b""  # bytes of a frame split across two reads
        self._held: list[np.ndarray | None] = []  # blocks after a suspected loss
        self.paused = False
        self.start_error: AudioDeviceError | None = None

    @Slot()
    def start_capture(self) -> None:
        source = QAudioSource(self._device, self._format, self)
        source.setBufferSize(self._format.bytesForDuration(int(self._buffer_s * 1e6)))
        source.stateChanged.connect(self._on_source_state_changed)
        io = source.start()
        if io is None or source.error() != QtAudio.Error.NoError:
            self.start_error = AudioStreamError(
                f"{self._device.description()} could not start recording "
                f"({describe_format(self._format)})", source.error())
            source.stateChanged.disconnect(self._on_source_state_changed)
            source.stop()
            source.deleteLater()
            return
        self._source, self._io = source, io
        io.readyRead.connect(self._on_io_ready_read)

    @Slot()
    def stop_capture(self) -> None:
        if self._source is None:
            return
        self._source.stateChanged.disconnect(self._on_source_state_changed)
        # Stopping moves what the server still holds into Qt's buffer, and the reader
        # device stays valid after stop() precisely so that it can be read out.
        self._source.stop()
        self._on_io_ready_read()
        self._release_held()  # a loss still being judged at the end is not filled
        self._io.readyRead.disconnect(self._on_io_ready_read)
        self._source.deleteLater()
        self._source = self._io = None

    def _on_io_ready_read(self) -> None:
        if self._io is None:
            return
        data = self._partial + self._io.readAll().data()
        now = time.monotonic()
        whole = len(data) - len(data) % self._bytes_per_frame
        self._partial = data[whole:]
        frames = whole // self._bytes_per_frame
        block = np.frombuffer(data, dtype=self._sample_format.dtype,
                              count=frames * self._channels).reshape(frames, self._channels)
        # Pausing applies to what was captured after pause(), even if it is held back.
        item = None if self.paused else block
        check = self._detector.observe(now, frames)
        if check.verdict is GapVerdict.HOLD:
            self._held.append(item)
            return
        if check.verdict is GapVerdict.RESOLVED:
            if check.lost_frames and not self.paused:
                self._writer.push_silence(check.lost_frames, DropoutCause.INPUT_OVERFLOW)
                self._ring.write_silence(check.lost_frames)
            self._release_held()
        self._deliver(item)

    def _release_held(self) -> None:
        for held in self._held:
            self._deliver(held)
        self._held.clear()

    def _deliver(self, block: np.ndarray | None) -> None:
        if block is None or len(block) == 0:
            return
        if self._writer.push(block):
            self._ring.write(decode(block, self._sample_format, self._channels))
        else:
            self._ring.write_silence(len(block))

    @Slot(QtAudio.State)
    def _on_source_state_changed(self, state: QtAudio.State) -> None:
        error = self._source.error() if self._source is not None else QtAudio.Error.NoError
        if state == QtAudio.State.StoppedState and error != QtAudio.Error.NoError:
            self.failed.emit(AudioStreamError(
                f"recording from {self._device.description()} stopped ({error.name})", error))

"""Recording through Qt Multimedia without ever losing a take.

Three threads per recording, each with one job:
- the capture thread (CaptureWorker) reads the QAudioSource and copies blocks
  into the take writer's queue and the sample ring;
- the writer thread (TakeWriter) writes them to a crash-safe WAV under
  data_dir()/takes/ and keeps the sidecar up to date;
- the GUI thread (this Recorder) drains the ring 30 times a second for live
  views, reports progress, and turns failures into signals.

Stopping returns a Take; adding it to a document (as one undoable step) is
the caller's job.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal

from workbench.core.audio.wav_writer import RIFF_LIMIT
from workbench.core.storage.take_recovery import (
    Dropout,
    Take,
    TakePurpose,
    discard_take,
    new_take_sidecar,
    takes_dir,
)
from workbench.runtime.audio_devices import (
    AudioDeviceLostError,
    AudioDevices,
    AudioFormatRefusedError,
    NoAudioDeviceError,
    core_sample_format,
    recording_format,
    same_device,
)
from workbench.runtime.capture_worker import CaptureWorker
from workbench.runtime.sample_ring import SampleRing
from workbench.runtime.take_writer import FLUSH_INTERVAL_S, TakeWriter

DRAIN_INTERVAL_MS = 33  # live views get new samples ~30 times a second
DISK_CHECK_INTERVAL_S = 1.0


class RecorderState(Enum):
    IDLE = "idle"
    RECORDING = "recording"
    PAUSED = "paused"


@dataclass(frozen=True)
class RecordingProgress:
    """Where a recording stands; sent with every drain of the ring."""

    frames: int
    sample_rate: int
    remaining_disk_s: float
    dropouts: int

    @property
    def elapsed_s(self) -> float:
        """Length of the take so far (pauses excluded, lost input included)."""
        return self.frames / self.sample_rate


class Recorder(QObject):
    """Records from an input device into takes on disk.

    GUI thread only; every signal is emitted on the GUI thread:
    - `samples_arrived(first_frame, frames)`: new float32 frames x channels
      for live views (first_frame is the take frame of frames[0]);
    - `progressed(RecordingProgress)`, `dropout_detected(Dropout)`;
    - `failed(exception)`: no device, format refused, device lost, disk full.
      A failure while recording ends the recording; `take_finished` follows
      with the take so far (its `error` set);
    - `take_finished(Take)`: after `stop()` or a failure.
    """

    state_changed = Signal(object)  # RecorderState
    samples_arrived = Signal(int, object)
    progressed = Signal(object)
    dropout_detected = Signal(object)
    take_finished = Signal(object)
    failed = Signal(object)

    _capture_start_requested = Signal()
    _capture_stop_requested = Signal()
    _writer_failed = Signal(object)  # emitted on the writer thread, received queued

    def __init__(self, devices: AudioDevices, parent: QObject | None = None, *,
                 ring_seconds: float = 30.0, queue_seconds: float = 20.0,
                 device_buffer_s: float = 1.0, flush_interval_s: float = FLUSH_INTERVAL_S,
                 takes_directory: Path | None = None,
                 rf64_threshold: int = RIFF_LIMIT) -> None:
        super().__init__(parent)
        self._devices = devices
        self._devices.input_lost.connect(self._on_devices_input_lost)
        self.ring_seconds = ring_seconds
        self.queue_seconds = queue_seconds
        self.device_buffer_s = device_buffer_s
        self.flush_interval_s = flush_interval_s
        self.rf64_threshold = rf64_threshold
        self._takes_directory = takes_directory
        self._device = None  # QAudioDevice, or None for the system default
        self._sample_rate: int | None = None
        self._channels: int | None = None
        self._state = RecorderState.IDLE
        self._writer: TakeWriter | None = None
        self._ring: SampleRing | None = None
        self._thread: QThread | None = None
        self._worker: CaptureWorker | None = None
        self._active_device = None
        self._insert_at: int | None = None
        self._purpose = TakePurpose.ORDINARY
        self._drained = 0
        self._dropouts_seen = 0
        self._disk_free = float("inf")
        self._disk_checked = 0.0
        self._drain = QTimer(self)
        self._drain.setInterval(DRAIN_INTERVAL_MS)
        self._drain.timeout.connect(self._on_drain_timeout)
        self._writer_failed.connect(self._on_writer_failed)

    # -- settings -----------------------------------------------------------------
    def set_input_device(self, device) -> None:
        """Record from `device` (a QAudioDevice; None: the system default) from the next take."""
        self._device = None if device is None or device.isNull() else device

    def input_device(self):
        return self._device

    def set_format(self, sample_rate: int | None, channels: int | None) -> None:
        """Rate and channel count of the next take (None: the device's preferred value)."""
        self._sample_rate, self._channels = sample_rate, channels

    # -- state ----------------------------------------------------------------------
    @property
    def state(self) -> RecorderState:
        return self._state

    def is_recording(self) -> bool:
        return self._state is not RecorderState.IDLE

    @property
    def take_path(self) -> Path | None:
        return self._writer.sidecar.wav_path if self._writer else None

    @property
    def take_purpose(self) -> TakePurpose | None:
        """What the take being recorded is for; None while idle."""
        return self._purpose if self._writer else None

    @property
    def sample_rate(self) -> int | None:
        return self._writer.sidecar.sample_rate if self._writer else self._sample_rate

    @property
    def channels(self) -> int | None:
        return self._writer.sidecar.channels if self._writer else self._channels

    def frames_recorded(self) -> int:
        return self._writer.frames if self._writer else 0

    def elapsed_seconds(self) -> float:
        return self.frames_recorded() / self.sample_rate if self._writer else 0.0

    def remaining_disk_seconds(self) -> float:
        """How long the free disk space lasts at this take's data rate."""
        if self._writer is None:
            return float("inf")
        sc = self._writer.sidecar
        bytes_per_s = sc.sample_rate * sc.channels * sc.sample_format.bytes_per_sample
        return shutil.disk_usage(sc.wav_path.parent).free / bytes_per_s

    def recent_samples(self, frames: int):
        """The newest `frames` frames of the take (float32), from the bounded ring."""
        return self._ring.latest(frames) if self._ring else None

    @property
    def ring(self) -> SampleRing | None:
        return self._ring

    @property
    def writer(self) -> TakeWriter | None:
        return self._writer

    # -- transport ---------------------------------------------------------------------
    def start(self, insert_at: int | None = None,
              purpose: TakePurpose = TakePurpose.ORDINARY) -> Path | None:
        """Start a take (for a new document, or at document frame `insert_at`).

        `purpose` goes with the take (`take_purpose` while it records, then
        `Take.purpose`), so listeners can tell a training example from a recording.

        Returns the take's WAV path, or None when it could not start (then
        `failed` has been emitted with the reason).
        """
        if self._state is not RecorderState.IDLE:
            return self.take_path
        device = self._device or self._devices.default_input()
        if device.isNull():
            self.failed.emit(NoAudioDeviceError("there is no audio input device"))
            return None
        try:
            fmt = recording_format(device, self._sample_rate, self._channels)
        except AudioFormatRefusedError as exc:
            self.failed.emit(exc)
            return None
        try:
            self._open_take(device, fmt, insert_at)
            self._purpose = purpose
        except OSError as exc:  # takes dir not writable, disk full before the first byte
            self.failed.emit(exc)
            return None
        self._start_capture(device, fmt)
        if self._worker.start_error is not None:
            error = self._worker.start_error
            self._abandon_take()
            self.failed.emit(error)
            return None
        self._set_state(RecorderState.RECORDING)
        self._drain.start()
        return self.take_path

    def pause(self) -> None:
        """Stop adding input to the take; the take continues seamlessly on resume()."""
        if self._state is RecorderState.RECORDING:
            self._worker.paused = True
            self._set_state(RecorderState.PAUSED)

    def resume(self) -> None:
        if self._state is RecorderState.PAUSED:
            self._worker.paused = False
            self._set_state(RecorderState.RECORDING)

    def stop(self) -> Take | None:
        """End the take: everything captured so far is written and the take returned."""
        if self._state is RecorderState.IDLE:
            return None
        return self._end(None)

    # -- internals ------------------------------------------------------------------------
    def _open_take(self, device, fmt, insert_at: int | None) -> None:
        rate, channels = fmt.sampleRate(), fmt.channelCount()
        sidecar = new_take_sidecar(rate, channels, core_sample_format(fmt),
                                   device=device.description(), insert_at=insert_at,
                                   directory=self._takes_directory or takes_dir())
        self._writer = TakeWriter(sidecar, int(self.queue_seconds * rate),
                                  self.flush_interval_s, self.rf64_threshold,
                                  on_failed=self._writer_failed.emit)
        self._writer.start()
        self._ring = SampleRing(max(1, int(self.ring_seconds * rate)), channels)
        self._insert_at = insert_at
        self._drained = self._dropouts_seen = 0
        self._disk_checked = 0.0

    def _start_capture(self, device, fmt) -> None:
        self._active_device = device
        self._thread = QThread()
        self._thread.setObjectName("audio-capture")
        self._worker = CaptureWorker(device, fmt, self._writer, self._ring,
                                     self.device_buffer_s)
        self._worker.moveToThread(self._thread)
        self._worker.failed.connect(self._on_worker_failed)
        self._thread.finished.connect(self._worker.deleteLater)
        blocking = Qt.ConnectionType.BlockingQueuedConnection
        self._capture_start_requested.connect(self._worker.start_capture, blocking)
        self._capture_stop_requested.connect(self._worker.stop_capture, blocking)
        self._thread.start()
        self._capture_start_requested.emit()  # returns once the source runs (or failed)

    def _stop_capture(self) -> None:
        if self._thread is None:
            return
        self._capture_stop_requested.emit()  # the worker reads what is left, then stops
        self._capture_start_requested.disconnect(self._worker.start_capture)
        self._capture_stop_requested.disconnect(self._worker.stop_capture)
        self._worker.failed.disconnect(self._on_worker_failed)
        self._thread.quit()
        self._thread.wait()
        self._thread = self._worker = None

    def _abandon_take(self) -> None:
        """Undo a start that failed before any audio: no thread, no empty take left behind."""
        self._stop_capture()
        self._writer.finish()
        discard_take(self._writer.sidecar.wav_path)
        self._writer = self._ring = None

    def _end(self, error: BaseException | None) -> Take:
        self._drain.stop()
        self._stop_capture()
        frames, dropouts = self._writer.finish()
        self._on_drain_timeout()  # the last samples and dropouts reach the views
        sc = self._writer.sidecar
        take = Take(sc.wav_path, frames, sc.sample_rate, sc.channels, sc.sample_format,
                    dropouts, self._insert_at, error, self._purpose)
        self._writer = None
        self._ring = None
        self._set_state(RecorderState.IDLE)
        self.take_finished.emit(take)
        return take

    def _fail(self, error: BaseException) -> None:
        if self._state is RecorderState.IDLE:
            return
        self.failed.emit(error)
        self._end(error)

    def _set_state(self, state: RecorderState) -> None:
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state)

    def _progress(self) -> RecordingProgress:
        now = time.monotonic()
        if now - self._disk_checked >= DISK_CHECK_INTERVAL_S:
            self._disk_checked = now
            try:
                self._disk_free = self.remaining_disk_seconds()
            except OSError:
                self._disk_free = 0.0
        sc = self._writer.sidecar
        return RecordingProgress(self._writer.frames, sc.sample_rate, self._disk_free,
                                 len(self._writer.dropouts))

    def _on_drain_timeout(self) -> None:
        if self._writer is None or self._ring is None:
            return
        start, frames = self._ring.read_since(self._drained)
        if len(frames):
            self._drained = start + len(frames)
            self.samples_arrived.emit(start, frames)
        dropouts: tuple[Dropout, ...] = self._writer.dropouts
        for dropout in dropouts[self._dropouts_seen:]:
            self.dropout_detected.emit(dropout)
        self._dropouts_seen = len(dropouts)
        self.progressed.emit(self._progress())

    def _on_worker_failed(self, error: BaseException) -> None:
        self._fail(error)

    def _on_writer_failed(self, error: BaseException) -> None:
        self._fail(error)

    def _on_devices_input_lost(self, device) -> None:
        if self._device is not None and same_device(device, self._device):
            self._device = None
        if self.is_recording() and same_device(device, self._active_device):
            self._fail(AudioDeviceLostError(f"{device.description()} was disconnected"))

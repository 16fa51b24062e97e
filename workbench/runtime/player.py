"""Playback of a document through Qt Multimedia: play/pause, ranges, loops, a playhead.

The Player owns one QAudioSink per run of playback and a PlaybackFeeder the
sink pulls from.  Both live on the GUI thread; the feeder's reads are one
small chunk each, taken from immutable BlockSequence snapshots, so playback
never waits on the document and the document never waits on playback.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtMultimedia import QAudioDevice, QAudioSink, QtAudio

from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.document import Document
from workbench.runtime.audio_devices import (
    AudioDeviceLostError,
    AudioDevices,
    AudioStreamError,
    NoAudioDeviceError,
    describe_format,
    playback_format,
    same_device,
)
from workbench.runtime.playback_feeder import PlaybackFeeder

POSITION_INTERVAL_MS = 16  # ~60 playhead updates a second
SINK_BUFFER_S = 0.25  # what the sink holds: rides out GUI stalls this long


class PlaybackState(Enum):
    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"


class Player(QObject):
    """Plays a document (all tracks mixed) or bare BlockSequences.

    Positions are source frames (document frames).  `play()` starts at the
    cursor (or where a pause left off) and runs to the end; `play_range()`
    plays [start, stop), once or looping.  `stop()` returns the playhead to
    where that playback started; `pause()` keeps it.

    GUI thread only; every signal is emitted on the GUI thread.
    `position_changed(int)` fires every ~16 ms while playing.
    `failed(exception)` carries an AudioDeviceError; playback stops (the
    position is kept) and the next play uses the default output.
    """

    position_changed = Signal(int)
    state_changed = Signal(object)  # PlaybackState
    finished = Signal()  # reached the end of a non-looping range
    failed = Signal(object)  # AudioDeviceError

    def __init__(self, devices: AudioDevices, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._devices = devices
        self._devices.output_lost.connect(self._on_devices_output_lost)
        self._document: Document | None = None
        self._tracks: tuple[BlockSequence, ...] = ()
        self._source_override: tuple[BlockSequence, ...] | None = None
        self._sample_rate = 48000
        self._device: QAudioDevice | None = None  # None: the system default
        self._active_device = QAudioDevice()
        self._volume = 1.0
        self._loop = False
        self._state = PlaybackState.STOPPED
        self._cursor = 0
        self._position = 0
        self._range: tuple[int, int] | None = None  # the range being played or paused in
        self._origin = 0  # where the current playback started; stop() returns here
        self._underruns = 0
        self._sink: QAudioSink | None = None
        self._feeder: PlaybackFeeder | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(POSITION_INTERVAL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    # -- what to play -----------------------------------------------------------
    def set_document(self, document: Document | None) -> None:
        """Play this document's tracks; edits are heard from the next chunk on."""
        if self._document is not None:
            self._document.changed.disconnect(self._on_document_changed)
        self._document = document
        self._source_override = None
        if document is None:
            self.stop()
            self._tracks = ()
            return
        document.changed.connect(self._on_document_changed)
        self._take_snapshot(document.sample_rate, [t.samples for t in document.tracks])

    def set_samples(self, tracks: BlockSequence | Sequence[BlockSequence],
                    sample_rate: int) -> None:
        """Play these sequences (mixed) instead of a document."""
        if self._document is not None:
            self.set_document(None)
        if isinstance(tracks, BlockSequence):
            tracks = [tracks]
        self._take_snapshot(sample_rate, list(tracks))

    def set_source_override(self, tracks: Sequence[BlockSequence] | None) -> None:
        """Play `tracks` in place of the document's, at the same frames, until None.

        For listening to another version of the same audio (an enhancer's output,
        what it removed): playback goes on at the same source frame, crossfading
        to the new source (PlaybackFeeder.set_tracks), and never stops.
        """
        self._source_override = None if tracks is None else tuple(tracks)
        if self._source_override is not None:
            self._take_snapshot(self._sample_rate, list(self._source_override))
        elif self._document is not None:
            self._on_document_changed()

    @property
    def source_override(self) -> tuple[BlockSequence, ...] | None:
        return self._source_override

    @property
    def frames(self) -> int:
        return max((t.frames for t in self._tracks), default=0)

    @property
    def sample_rate(self) -> int:
        return self._sample_rate

    # -- transport ----------------------------------------------------------------
    @property
    def state(self) -> PlaybackState:
        return self._state

    def is_playing(self) -> bool:
        return self._state is PlaybackState.PLAYING

    def play(self, start: int | None = None) -> None:
        """Play from `start`, or resume a pause, or play from the cursor to the end."""
        if start is None and self._state is PlaybackState.PAUSED and self._range:
            self._start(self._position, self._range, self._origin)
            return
        begin = self._cursor if start is None else start
        begin = min(max(0, begin), self.frames)
        self._start(begin, (begin, self.frames), begin)

    def play_range(self, start: int, stop: int, loop: bool | None = None) -> None:
        """Play [start, stop) (a selection); loop it when `loop` (default: the loop setting)."""
        if loop is not None:
            self._loop = loop
        start, stop = max(0, start), min(stop, self.frames)
        self._start(start, (start, stop), start)

    def pause(self) -> None:
        if self._state is PlaybackState.PLAYING:
            self._position = self.position_frames()
            self._close_sink()
            self._set_state(PlaybackState.PAUSED)

    def toggle_play_pause(self) -> None:
        if self._state is PlaybackState.PLAYING:
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        """Stop and put the playhead back where this playback started."""
        if self._state is PlaybackState.STOPPED:
            return
        self._close_sink()
        self._range = None
        self._position = self._origin
        self._set_state(PlaybackState.STOPPED)
        self.position_changed.emit(self._position)

    def set_cursor(self, frame: int) -> None:
        """Where play() starts; while playing, playback jumps there."""
        self._cursor = max(0, frame)
        if self._state is PlaybackState.PLAYING:
            self.play(self._cursor)
        elif self._state is PlaybackState.STOPPED:
            self._position = self._origin = self._cursor
            self.position_changed.emit(self._position)
        else:
            self._position = self._cursor

    def cursor(self) -> int:
        return self._cursor

    def set_loop(self, loop: bool) -> None:
        self._loop = loop
        if self._feeder is not None:
            self._feeder.loop = loop

    def loop(self) -> bool:
        return self._loop

    def position_frames(self) -> int:
        """The source frame under the playhead."""
        if self._state is PlaybackState.PLAYING and self._sink and self._feeder:
            return self._feeder.source_frame_at(self._played_device_frames())
        return self._position

    # -- output ----------------------------------------------------------------------
    def set_volume(self, volume: float) -> None:
        """Linear gain 0..1 applied by the sink."""
        self._volume = min(1.0, max(0.0, volume))
        if self._sink is not None:
            self._sink.setVolume(self._volume)

    def volume(self) -> float:
        return self._volume

    def set_output_device(self, device: QAudioDevice | None) -> None:
        """Use `device` (None: the system default); playing audio moves there at once."""
        self._device = None if device is None or device.isNull() else device
        if self._state is PlaybackState.PLAYING and self._range:
            self._start(self.position_frames(), self._range, self._origin)

    def output_device(self) -> QAudioDevice | None:
        return self._device

    def underrun_count(self) -> int:
        """How often the device ran dry before the audio ended (the GUI thread was late)."""
        return self._underruns

    def active_format(self) -> str | None:
        """The device format of the running playback, for status displays."""
        return describe_format(self._sink.format()) if self._sink else None

    # -- internals ------------------------------------------------------------------------
    def _take_snapshot(self, sample_rate: int, tracks: list[BlockSequence]) -> None:
        rate_changed = sample_rate != self._sample_rate
        self._tracks = tuple(tracks)
        self._sample_rate = sample_rate
        if self._state is PlaybackState.PLAYING and self._range and rate_changed:
            self.stop()
        elif self._feeder is not None:
            self._feeder.set_tracks(self._tracks)

    def _start(self, position: int, frame_range: tuple[int, int], origin: int) -> None:
        self._close_sink()
        device = self._device or self._devices.default_output()
        if device.isNull():
            self._fail(NoAudioDeviceError("there is no audio output device"))
            return
        start, stop = frame_range
        if not self._tracks or stop <= start:
            return
        position = min(max(position, start), stop)
        channels = max(t.channels for t in self._tracks)
        fmt = playback_format(device, self._sample_rate, channels)
        self._feeder = PlaybackFeeder(fmt, self._sample_rate, self._tracks, position, stop,
                                      self._loop, loop_start=start, parent=self)
        self._feeder.open(PlaybackFeeder.OpenModeFlag.ReadOnly)
        self._sink = QAudioSink(device, fmt, self)
        self._sink.setBufferSize(fmt.bytesForDuration(int(SINK_BUFFER_S * 1e6)))
        self._sink.setVolume(self._volume)
        self._sink.stateChanged.connect(self._on_sink_state_changed)
        self._active_device = device
        self._range, self._origin, self._position = frame_range, origin, position
        self._sink.start(self._feeder)
        if self._sink.error() != QtAudio.Error.NoError:
            error = self._sink.error()
            self._close_sink()
            self._fail(AudioStreamError(f"{device.description()} refused to play "
                                        f"({describe_format(fmt)})", error))
            return
        self._timer.start()
        self._set_state(PlaybackState.PLAYING)
        self.position_changed.emit(position)

    def _played_device_frames(self) -> int:
        played = self._sink.processedUSecs() * self._sink.format().sampleRate() // 1_000_000
        return min(played, self._feeder.rendered_frames)

    def _close_sink(self) -> None:
        self._timer.stop()
        if self._sink is not None:
            self._sink.stateChanged.disconnect(self._on_sink_state_changed)
            self._sink.stop()
            self._sink.deleteLater()
            self._sink = None
        if self._feeder is not None:
            self._feeder.close()
            self._feeder.deleteLater()
            self._feeder = None

    def _set_state(self, state: PlaybackState) -> None:
        if state is not self._state:
            self._state = state
            self.state_changed.emit(state)

    def _fail(self, error: Exception) -> None:
        if self._state is PlaybackState.PLAYING:
            self._position = self.position_frames()
            self._close_sink()
            self._set_state(PlaybackState.PAUSED)
        self.failed.emit(error)

    def _finish(self) -> None:
        end = self._range[1] if self._range else self._position
        self._close_sink()
        self._range = None
        self._position = end
        self._set_state(PlaybackState.STOPPED)
        self.position_changed.emit(end)
        self.finished.emit()

    def _on_timer_timeout(self) -> None:
        if self._sink is None or self._feeder is None:
            return
        if self._feeder.finished and self._played_device_frames() >= self._feeder.rendered_frames:
            self._finish()
            return
        self.position_changed.emit(self.position_frames())

    @Slot(QtAudio.State)
    def _on_sink_state_changed(self, state: QtAudio.State) -> None:
        if self._sink is None:
            return
        error = self._sink.error()
        if state == QtAudio.State.IdleState and self._feeder and self._feeder.finished:
            self._finish()
        elif state == QtAudio.State.IdleState and error == QtAudio.Error.UnderrunError:
            self._underruns += 1
        elif state == QtAudio.State.StoppedState and error != QtAudio.Error.NoError:
            self._fail(AudioStreamError(
                f"playback on {self._active_device.description()} stopped ({error.name})", error))

    def _on_devices_output_lost(self, device: QAudioDevice) -> None:
        if self._device is not None and same_device(device, self._device):
            self._device = None
        if self._state is PlaybackState.PLAYING and same_device(device, self._active_device):
            self._fail(AudioDeviceLostError(f"{device.description()} was disconnected"))

    def _on_document_changed(self) -> None:
        doc = self._document
        if doc is not None and self._source_override is None:
            self._take_snapshot(doc.sample_rate, [t.samples for t in doc.tracks])

"""The transport bar: play/pause, stop, record, loop, devices, volume, time and level.

The bar drives the Player and Recorder it is given (they are its model) and
shows their state.  What depends on the document is told to it by the window:
the cursor (`set_cursor`), the selection (`set_selection`) and whether a take
goes into the open document at the cursor (`set_record_at_cursor`).  Finished
takes come from `recorder.take_finished`; adding them to the document is the
window's job.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from workbench.core.storage.take_recovery import Take, describe_dropouts
from workbench.core.time_format import TimeFormat, format_time
from workbench.runtime.audio_devices import AudioDevices
from workbench.runtime.player import PlaybackState, Player
from workbench.runtime.recorder import Recorder, RecorderState, RecordingProgress
from workbench.ui.panels.level_meter import LevelMeter

RECORD_RATES = (None, 44100, 48000, 88200, 96000)  # None: the device's preferred rate
RECORD_CHANNELS = ((None, "Device channels"), (1, "Mono"), (2, "Stereo"))


def format_duration(seconds: float) -> str:
    """Free disk time as people say it: "3 h 12 min", "45 min", "30 s"."""
    if seconds == float("inf"):
        return "unknown"
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    if hours:
        return f"{hours} h {rest // 60} min"
    return f"{rest // 60} min" if rest >= 60 else f"{rest} s"


class TransportBar(QWidget):
    """Buttons and choices for playback and recording.  GUI thread only.

    `message_posted(str)` carries what the user should read after something
    went wrong or a take lost input (the bar also shows it itself).
    """

    message_posted = Signal(str)

    def __init__(self, player: Player, recorder: Recorder, devices: AudioDevices,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.player, self.recorder, self.devices = player, recorder, devices
        self._cursor = 0
        self._selection: tuple[int, int] | None = None
        self._record_at_cursor = False
        self._build()
        self._connect()
        self._refill_outputs()
        self._refill_inputs()
        self._show_player_state(player.state)
        self._show_position(player.position_frames())

    # -- what the window tells the bar ---------------------------------------------------
    def set_cursor(self, frame: int) -> None:
        self._cursor = max(0, frame)
        self.player.set_cursor(self._cursor)

    def set_selection(self, start: int | None, stop: int | None) -> None:
        """The selection to play (None or an empty range: play from the cursor)."""
        self._selection = (start, stop) if start is not None and stop and stop > start else None

    def set_record_at_cursor(self, at_cursor: bool) -> None:
        """True: takes go into the open document at the cursor; False: a new document."""
        self._record_at_cursor = at_cursor

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        style = self.style()
        self._play_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        self._pause_icon = style.standardIcon(QStyle.StandardPixmap.SP_MediaPause)
        self.play_button = QPushButton(self._play_icon, "Play")
        self.stop_button = QPushButton(style.standardIcon(QStyle.StandardPixmap.SP_MediaStop),
                                       "Stop")
        self.record_button = QPushButton("\u25cf Record")
        self.record_button.setCheckable(True)
        self.record_button.setStyleSheet("QPushButton:checked { color: white; "
                                         "background: #c62828; }")
        self.loop_button = QPushButton("Loop")
        self.loop_button.setCheckable(True)
        self.loop_button.setToolTip("Loop the selection (or the rest of the file)")
        self.time_label = QLabel()
        self.time_label.setMinimumWidth(230)
        self.volume_slider = QSlider(Qt.Orientation.Horizontal)
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setValue(round(self.player.volume() * 100))
        self.volume_slider.setMaximumWidth(120)
        self.volume_slider.setToolTip("Playback volume")
        self.level_meter = LevelMeter(channels=2)
        self.output_combo = QComboBox()
        self.input_combo = QComboBox()
        self.rate_combo = QComboBox()
        for rate in RECORD_RATES:
            self.rate_combo.addItem("Device rate" if rate is None else f"{rate} Hz", rate)
        self.channels_combo = QComboBox()
        for channels, text in RECORD_CHANNELS:
            self.channels_combo.addItem(text, channels)
        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        top = QHBoxLayout()
        for widget in (self.play_button, self.stop_button, self.record_button,
                       self.loop_button, self.time_label, QLabel("Volume"), self.volume_slider):
            top.addWidget(widget)
        top.addWidget(self.level_meter, 1)
        bottom = QHBoxLayout()
        for widget in (QLabel("Output"), self.output_combo, QLabel("Input"), self.input_combo,
                       self.rate_combo, self.channels_combo):
            bottom.addWidget(widget)
        bottom.addWidget(self.message_label, 1)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(4, 2, 4, 2)
        rows.setSpacing(2)
        rows.addLayout(top)
        rows.addLayout(bottom)

    def _connect(self) -> None:
        self.play_button.clicked.connect(self._on_play_button_clicked)
        self.stop_button.clicked.connect(self._on_stop_button_clicked)
        self.record_button.clicked.connect(self._on_record_button_clicked)
        self.loop_button.toggled.connect(self.player.set_loop)
        self.volume_slider.valueChanged.connect(self._on_volume_slider_value_changed)
        self.output_combo.activated.connect(self._on_output_combo_activated)
        self.input_combo.activated.connect(self._on_input_combo_activated)
        self.rate_combo.activated.connect(self._on_format_combo_activated)
        self.channels_combo.activated.connect(self._on_format_combo_activated)
        self.player.state_changed.connect(self._show_player_state)
        self.player.position_changed.connect(self._show_position)
        self.player.failed.connect(self._on_player_failed)
        self.recorder.state_changed.connect(self._on_recorder_state_changed)
        self.recorder.samples_arrived.connect(self._on_recorder_samples_arrived)
        self.recorder.progressed.connect(self._on_recorder_progressed)
        self.recorder.failed.connect(self._on_recorder_failed)
        self.recorder.take_finished.connect(self._on_recorder_take_finished)
        self.devices.outputs_changed.connect(self._refill_outputs)
        self.devices.inputs_changed.connect(self._refill_inputs)

    # -- devices ---------------------------------------------------------------------------
    def _refill_outputs(self) -> None:
        current = self.player.output_device()
        _refill(self.output_combo, self.devices.outputs(), current)

    def _refill_inputs(self) -> None:
        current = self.recorder.input_device()
        _refill(self.input_combo, self.devices.inputs(), current)

    def _on_output_combo_activated(self, _index: int) -> None:
        key = self.output_combo.currentData()
        self.player.set_output_device(key and self.devices.find_output(key.encode("latin-1")))

    def _on_input_combo_activated(self, _index: int) -> None:
        key = self.input_combo.currentData()
        self.recorder.set_input_device(key and self.devices.find_input(key.encode("latin-1")))

    def _on_format_combo_activated(self, _index: int) -> None:
        self.recorder.set_format(self.rate_combo.currentData(), self.channels_combo.currentData())

    # -- buttons ---------------------------------------------------------------------------
    def _on_play_button_clicked(self) -> None:
        player = self.player
        if player.state is PlaybackState.PLAYING:
            player.pause()
        elif player.state is PlaybackState.PAUSED:
            player.play()
        elif self._selection is not None:
            player.play_range(*self._selection, loop=self.loop_button.isChecked())
        else:
            player.play(self._cursor)

    def _on_stop_button_clicked(self) -> None:
        if self.recorder.is_recording():
            self.recorder.stop()
        self.player.stop()

    def _on_record_button_clicked(self, checked: bool) -> None:
        if checked and not self.recorder.is_recording():
            self._post("")
            insert_at = self._cursor if self._record_at_cursor else None
            if self.recorder.start(insert_at) is None:
                self.record_button.setChecked(False)
        elif not checked and self.recorder.is_recording():
            self.recorder.stop()

    def _on_volume_slider_value_changed(self, value: int) -> None:
        self.player.set_volume(value / 100)

    # -- showing state -------------------------------------------------------------------------
    def _show_player_state(self, state: PlaybackState) -> None:
        playing = state is PlaybackState.PLAYING
        self.play_button.setIcon(self._pause_icon if playing else self._play_icon)
        self.play_button.setText("Pause" if playing else "Play")

    def _show_position(self, frame: int) -> None:
        if not self.recorder.is_recording():
            rate = self.player.sample_rate
            self.time_label.setText(format_time(frame, rate, TimeFormat.HMS))

    def _on_recorder_state_changed(self, state: RecorderState) -> None:
        recording = state is not RecorderState.IDLE
        self.record_button.setChecked(recording)
        self.record_button.setText("\u25cf Paused" if state is RecorderState.PAUSED
                                   else "\u25cf Record")
        for combo in (self.input_combo, self.rate_combo, self.channels_combo):
            combo.setEnabled(not recording)
        if recording:
            self.level_meter.reset(self.recorder.channels)

    def _on_recorder_samples_arrived(self, _first: int, frames) -> None:
        self.level_meter.feed(frames)

    def _on_recorder_progressed(self, progress: RecordingProgress) -> None:
        elapsed = format_time(progress.frames, progress.sample_rate, TimeFormat.HMS, 1)
        disk = format_duration(progress.remaining_disk_s)
        self.time_label.setText(f"REC {elapsed} \u00b7 disk {disk}")

    def _on_recorder_take_finished(self, take: Take) -> None:
        self.level_meter.reset()
        self._show_position(self.player.position_frames())
        if take.error is None and take.dropouts:
            self._post(describe_dropouts(take))

    def _on_recorder_failed(self, error: BaseException) -> None:
        self._post(f"Recording: {error}")

    def _on_player_failed(self, error: BaseException) -> None:
        self._post(f"Playback: {error}")

    def _post(self, text: str) -> None:
        self.message_label.setText(text)
        if text:
            self.message_posted.emit(text)


def device_key(device) -> str:
    """A device id as combo-box item data (Qt would turn bytes into a QByteArray)."""
    return bytes(device.id()).decode("latin-1")


def _refill(combo: QComboBox, devices: list, current) -> None:
    """System default first, then every device; keep the chosen one if it is still there."""
    chosen = device_key(current) if current is not None else None
    combo.clear()
    combo.addItem("System default", None)
    for device in devices:
        combo.addItem(device.description(), device_key(device))
    index = combo.findData(chosen) if chosen else 0
    combo.setCurrentIndex(max(0, index))

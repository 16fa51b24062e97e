"""Audio devices: listing them, noticing when one goes away, choosing formats.

`AudioDevices` wraps QMediaDevices and turns its "the list changed" signals into
"this device went away" signals that the player and recorder act on.  The
format helpers decide how to open a device: the audio's own format when the
device accepts it, otherwise the device's preferred one (the player converts;
the recorder refuses, because a take must have the rate the user chose).

Known limit (Qt 6.12 with PulseAudio): Qt does not announce a removed device
unless the removal also changes the default device, and PulseAudio moves the
streams of a removed device to the default one.  A vanished non-default
device is therefore noticed only at the next change of the device list.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QMediaDevices, QtAudio

from workbench.core.audio.audio_convert import SampleFormat


class AudioDeviceError(Exception):
    """Something about an audio device stopped playback or recording."""


class NoAudioDeviceError(AudioDeviceError):
    """There is no device of the kind needed (no microphone, no output)."""


class AudioDeviceLostError(AudioDeviceError):
    """The device in use disappeared (unplugged, or its server went away)."""


class AudioFormatRefusedError(AudioDeviceError):
    """The device cannot open the sample rate / channel count asked for."""


class AudioStreamError(AudioDeviceError):
    """The audio backend stopped a stream with an error."""

    def __init__(self, message: str, qt_error: QtAudio.Error) -> None:
        super().__init__(message)
        self.qt_error = qt_error


_TO_CORE = {
    QAudioFormat.SampleFormat.UInt8: SampleFormat.UINT8,
    QAudioFormat.SampleFormat.Int16: SampleFormat.INT16,
    QAudioFormat.SampleFormat.Int32: SampleFormat.INT32,
    QAudioFormat.SampleFormat.Float: SampleFormat.FLOAT32,
}
_TO_QT = {v: k for k, v in _TO_CORE.items()}
# Sample formats in order of preference: float needs no conversion, int32 keeps 24-bit
# converters whole, int16 is what every device takes.
_PREFERENCE = (SampleFormat.FLOAT32, SampleFormat.INT32, SampleFormat.INT16)


def core_sample_format(fmt: QAudioFormat) -> SampleFormat:
    return _TO_CORE[fmt.sampleFormat()]


def make_format(sample_rate: int, channels: int, sample_format: SampleFormat) -> QAudioFormat:
    fmt = QAudioFormat()
    fmt.setSampleRate(sample_rate)
    fmt.setChannelCount(channels)
    fmt.setSampleFormat(_TO_QT[sample_format])
    return fmt


def describe_format(fmt: QAudioFormat) -> str:
    return (f"{fmt.sampleRate()} Hz, {fmt.channelCount()} ch, "
            f"{core_sample_format(fmt).value if fmt.isValid() else 'invalid'}")


def playback_format(device: QAudioDevice, sample_rate: int, channels: int) -> QAudioFormat:
    """How to open `device` for audio at this rate and channel count.

    The audio's own rate and channels if the device takes them (no conversion),
    else the audio's rate with the device's channel count, else the device's
    preferred format (the player then resamples and mixes).
    """
    preferred = device.preferredFormat()
    for rate, chans in ((sample_rate, channels), (sample_rate, preferred.channelCount())):
        for sf in _PREFERENCE:
            fmt = make_format(rate, chans, sf)
            if device.isFormatSupported(fmt):
                return fmt
    return preferred


def recording_format(device: QAudioDevice, sample_rate: int | None,
                     channels: int | None) -> QAudioFormat:
    """The format to record from `device`; None takes the device's preferred value.

    Raises AudioFormatRefusedError when the device cannot record at the rate
    and channel count asked for: recording at another rate than the user chose
    would be a silent change.
    """
    preferred = device.preferredFormat()
    rate = sample_rate or preferred.sampleRate()
    chans = channels or preferred.channelCount()
    formats = [core_sample_format(preferred)] if preferred.isValid() else []
    for sf in (*formats, *_PREFERENCE):
        fmt = make_format(rate, chans, sf)
        if device.isFormatSupported(fmt):
            return fmt
    raise AudioFormatRefusedError(
        f"{device.description()} cannot record {rate} Hz with {chans} channel(s)")


def same_device(a: QAudioDevice, b: QAudioDevice) -> bool:
    return not a.isNull() and not b.isNull() and bytes(a.id()) == bytes(b.id())


class AudioDevices(QObject):
    """The machine's audio inputs and outputs, and notice of devices going away.

    Lives on the GUI thread; all signals are emitted there.  `input_lost` and
    `output_lost` carry the QAudioDevice that is no longer listed.
    """

    inputs_changed = Signal()
    outputs_changed = Signal()
    input_lost = Signal(object)
    output_lost = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._media = QMediaDevices(self)
        self._inputs = list(QMediaDevices.audioInputs())
        self._outputs = list(QMediaDevices.audioOutputs())
        self._media.audioInputsChanged.connect(self._on_media_inputs_changed)
        self._media.audioOutputsChanged.connect(self._on_media_outputs_changed)

    def inputs(self) -> list[QAudioDevice]:
        return list(self._inputs)

    def outputs(self) -> list[QAudioDevice]:
        return list(self._outputs)

    def default_input(self) -> QAudioDevice:
        return QMediaDevices.defaultAudioInput()

    def default_output(self) -> QAudioDevice:
        return QMediaDevices.defaultAudioOutput()

    def find_input(self, device_id: bytes) -> QAudioDevice | None:
        return next((d for d in self._inputs if bytes(d.id()) == device_id), None)

    def find_output(self, device_id: bytes) -> QAudioDevice | None:
        return next((d for d in self._outputs if bytes(d.id()) == device_id), None)

    def is_listed(self, device: QAudioDevice) -> bool:
        pool = self._inputs if device.mode() == QAudioDevice.Mode.Input else self._outputs
        return any(same_device(device, d) for d in pool)

    def _on_media_inputs_changed(self) -> None:
        old, self._inputs = self._inputs, list(QMediaDevices.audioInputs())
        self.inputs_changed.emit()
        for device in _vanished(old, self._inputs):
            self.input_lost.emit(device)

    def _on_media_outputs_changed(self) -> None:
        old, self._outputs = self._outputs, list(QMediaDevices.audioOutputs())
        self.outputs_changed.emit()
        for device in _vanished(old, self._outputs):
            self.output_lost.emit(device)


def _vanished(old: list[QAudioDevice], new: list[QAudioDevice]) -> list[QAudioDevice]:
    ids = {bytes(d.id()) for d in new}
    return [d for d in old if bytes(d.id()) not in ids]

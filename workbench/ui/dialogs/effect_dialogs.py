"""Small dialogs that ask for an edit's parameters; effects can be previewed first.

An `EffectDialog` builds its command from the fields (`command()`), and its
Preview button plays what the effect would make of the selected range: the
command is applied to a throwaway Document that shares the range's blocks
(`preview_document`), never to the document itself, and that copy is handed
to the window's Player.  Without a player, Preview is disabled and says why.
Long selections are previewed on their first PREVIEW_MAX_S seconds (the
effect then sees only that part: a fade is previewed over the shorter span).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.document.document import Document, Track
from workbench.core.document.edits import EditError
from workbench.core.document.effects import (
    FadeCurve,
    FadeInCommand,
    FadeOutCommand,
    GainCommand,
    InPlaceEffectCommand,
    NormalizeCommand,
    NormalizeMode,
)
from workbench.ui.dialogs.dialog_buttons import ok_cancel_buttons

PREVIEW_MAX_S = 30.0
NO_PLAYER_TIP = "Preview needs audio playback, and this window has no player"
COMMON_RATES = (8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 88200, 96000)


def preview_document(document: Document, start: int, stop: int) -> Document:
    """Frames [start, stop) of every track as a new Document (blocks shared, not copied)."""
    tracks = [Track(t.name, t.samples.slice(min(start, t.samples.frames),
                                            min(stop, t.samples.frames)))
              for t in document.tracks]
    return Document(tracks, document.sample_rate)


class ParameterDialog(QDialog):
    """A form with OK and Cancel; subclasses add their fields to `self.form`.

    GUI thread only.  The dialog deletes itself when closed; read what it
    built in a slot connected to `accepted`.
    """

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = ok_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()


class EffectDialog(ParameterDialog):
    """Parameters of an in-place effect on [start, stop) of `channels`, with a preview.

    `player` is the window's Player (or None: Preview is disabled).  While a
    preview plays, the player plays the throwaway copy; when the dialog
    closes, the player is stopped and given `document` again.
    """

    previewed = Signal(object)  # the preview Document handed to the player

    def __init__(self, title: str, document: Document, start: int, stop: int,
                 channels: Iterable[int] | None, player=None,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.document, self.start, self.stop = document, start, stop
        self.channels = None if channels is None else frozenset(channels)
        self.player = player
        self._player_taken = False
        self.preview_button = self.buttons.addButton(
            "Preview", QDialogButtonBox.ButtonRole.ActionRole)
        self.preview_button.clicked.connect(self._on_preview_button_clicked)
        if player is None:
            self.preview_button.setEnabled(False)
            self.preview_button.setToolTip(NO_PLAYER_TIP)
        else:
            self.preview_button.setToolTip("Play the effect on the selection (first "
                                           f"{PREVIEW_MAX_S:.0f} s) without applying it")

    def command_for(self, start: int, stop: int,
                    channels: frozenset[int] | None) -> InPlaceEffectCommand:
        """The effect with the dialog's current parameters on [start, stop)."""
        raise NotImplementedError

    def command(self) -> InPlaceEffectCommand:
        """The effect to apply to the document."""
        return self.command_for(self.start, self.stop, self.channels)

    def preview(self) -> Document | None:
        """Apply the effect to a copy of the range and play it; returns the copy."""
        limit = round(PREVIEW_MAX_S * self.document.sample_rate)
        copy = preview_document(self.document, self.start, min(self.stop, self.start + limit))
        try:
            self.command_for(0, copy.frames, self.channels).do(copy)
        except EditError as exc:
            self.show_message(str(exc))
            return None
        if self.player is not None:
            self.player.set_samples([t.samples for t in copy.tracks], copy.sample_rate)
            self.player.play_range(0, copy.frames, loop=False)
            self._player_taken = True
        self.previewed.emit(copy)
        return copy

    def _on_preview_button_clicked(self) -> None:
        self.preview()

    def done(self, result: int) -> None:  # QDialog override: closing ends the preview
        if self._player_taken:
            self.player.stop()
            self.player.set_document(self.document)
            self._player_taken = False
        super().done(result)


class GainDialog(EffectDialog):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__("Gain", *args, **kwargs)
        self.db_box = QDoubleSpinBox()
        self.db_box.setRange(-60.0, 40.0)
        self.db_box.setDecimals(1)
        self.db_box.setSuffix(" dB")
        self.db_box.setValue(-3.0)
        self.form.addRow("Gain", self.db_box)

    def command_for(self, start, stop, channels):
        return GainCommand(start, stop, self.db_box.value(), channels)


class NormalizeDialog(EffectDialog):
    """Peak or RMS target; switching the mode suggests that mode's usual target."""

    TARGETS = {NormalizeMode.PEAK: -1.0, NormalizeMode.RMS: -20.0}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__("Normalize", *args, **kwargs)
        self.mode_box = QComboBox()
        for mode in NormalizeMode:
            self.mode_box.addItem(mode.value, mode)
        self.target_box = QDoubleSpinBox()
        self.target_box.setRange(-80.0, 0.0)
        self.target_box.setDecimals(1)
        self.target_box.setSuffix(" dBFS")
        self.target_box.setValue(self.TARGETS[NormalizeMode.PEAK])
        self.mode_box.currentIndexChanged.connect(self._on_mode_box_changed)
        self.form.addRow("Level", self.mode_box)
        self.form.addRow("Target", self.target_box)

    def _on_mode_box_changed(self, _index: int) -> None:
        self.target_box.setValue(self.TARGETS[self.mode_box.currentData()])

    def command_for(self, start, stop, channels):
        return NormalizeCommand(start, stop, self.target_box.value(),
                                self.mode_box.currentData(), channels)


class FadeDialog(EffectDialog):
    def __init__(self, fade_in: bool, *args, **kwargs) -> None:
        super().__init__("Fade In" if fade_in else "Fade Out", *args, **kwargs)
        self.fade_in = fade_in
        self.curve_box = QComboBox()
        for curve in FadeCurve:
            self.curve_box.addItem(curve.value.capitalize(), curve)
        self.form.addRow("Curve", self.curve_box)

    def command_for(self, start, stop, channels):
        cls = FadeInCommand if self.fade_in else FadeOutCommand
        return cls(start, stop, self.curve_box.currentData(), channels)


class InsertSilenceDialog(ParameterDialog):
    """How many seconds of silence to insert."""

    def __init__(self, sample_rate: int, seconds: float = 1.0,
                 parent: QWidget | None = None) -> None:
        super().__init__("Insert Silence", parent)
        self.sample_rate = sample_rate
        self.seconds_box = QDoubleSpinBox()
        self.seconds_box.setRange(0.001, 24 * 3600.0)
        self.seconds_box.setDecimals(3)
        self.seconds_box.setSuffix(" s")
        self.seconds_box.setValue(seconds)
        self.form.addRow("Length", self.seconds_box)

    def frames(self) -> int:
        return max(1, round(self.seconds_box.value() * self.sample_rate))


class SampleRateDialog(ParameterDialog):
    """The new sample rate (common rates offered, any positive rate typed)."""

    def __init__(self, current: int, parent: QWidget | None = None) -> None:
        super().__init__("Change Sample Rate", parent)
        self.current = current
        self.rate_box = QComboBox()
        self.rate_box.setEditable(True)
        for rate in COMMON_RATES:
            self.rate_box.addItem(f"{rate}")
        suggested = 44100 if current != 44100 else 48000
        self.rate_box.setCurrentText(str(suggested))
        self.form.addRow(f"New rate (now {current} Hz)", self.rate_box)

    def rate(self) -> int | None:
        """The rate typed or chosen, or None if it is not a positive whole number."""
        text = self.rate_box.currentText().strip().removesuffix("Hz").strip()
        return int(text) if text.isdigit() and int(text) > 0 else None

    def accept(self) -> None:  # QDialog override: refuse what is not a rate
        rate = self.rate()
        if rate is None or rate == self.current:
            self.show_message("Choose a sample rate in Hz that differs from the current "
                              f"{self.current} Hz")
            return
        super().accept()

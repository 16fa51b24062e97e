"""Record an example of a class for training from labels (the train dialog's "Record Example").

`start(class_name, tier_name)` records from the microphone through the window's
recorder (AudioTransport.record_into) onto the end of the document; when the
take is in the document (`take_placed`), the take's span is labelled with the
class on the tier (made if the document has none of that name), as one undoable
step.  `stop()` ends the take.  `example_added(tier_id, class_name)` follows.

GUI thread only.  Owned by the dialog; the transport, recorder and document
belong to the window.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from workbench.core.document.label_commands import AddLabelCommand, AddTierCommand
from workbench.core.storage.take_recovery import TakePurpose
from workbench.runtime.recorder import RecorderState


class ExampleRecorder(QObject):
    """Records labelled examples into `document` (see the module docstring)."""

    example_added = Signal(str, str)  # tier id, class name
    recording_changed = Signal(bool)

    def __init__(self, window, document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window, self.document = window, document
        self.pending: tuple[str, str] | None = None  # (class, tier name) of the running take
        window.transport.take_placed.connect(self._on_transport_take_placed)
        window.recorder.state_changed.connect(self._on_recorder_state_changed)

    @property
    def recording(self) -> bool:
        return self.pending is not None and self.window.recorder.is_recording()

    def start(self, class_name: str, tier_name: str) -> bool:
        """Start recording an example of `class_name`; False (nothing started) if it cannot."""
        entry = next((e for e in self.window.open_documents if e.document is self.document),
                     None)
        if entry is None or not class_name.strip() or self.window.recorder.is_recording():
            return False
        self.pending = (class_name.strip(), tier_name)
        if not self.window.transport.record_into(entry, self.document.frames,
                                                 TakePurpose.EXAMPLE):
            self.pending = None
            return False
        self.recording_changed.emit(True)
        return True

    def stop(self) -> None:
        if self.recording:
            self.window.recorder.stop()

    def _on_recorder_state_changed(self, state) -> None:
        if state is RecorderState.IDLE and self.pending is not None:
            self.recording_changed.emit(False)

    def _on_transport_take_placed(self, document, first: int, take) -> None:
        if document is not self.document or self.pending is None:
            return
        (class_name, tier_name), self.pending = self.pending, None
        entry = next(e for e in self.window.open_documents if e.document is document)
        tier = next((t for t in document.label_tiers if t.name == tier_name), None)
        with entry.history.compound(f"Record example: {class_name}"):
            if tier is None:
                command = AddTierCommand(tier_name)
                entry.history.push(command)
                tier_id = command.tier_id
            else:
                tier_id = tier.id
            entry.history.push(AddLabelCommand(tier_id, first, first + take.frames, class_name))
        self.example_added.emit(tier_id, class_name)

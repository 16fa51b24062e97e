"""Models > Adapt Recognizer to This Recording…: the corrected words tier as training data.

The dialog names the base recognizer and how many words the tier has; Adapt
fine-tunes a copy as a background job on the model lane
(`RecognizerAdaptService`), each step adding a point to the live loss plot;
Cancel stops after the current step and writes nothing.  When the copy has joined
the zoo, the dialog says so, the transcript panel offers and chooses it, and
(unless unticked) it transcribes the recording, so its words can be compared
with the base model's (undo brings those back).

GUI thread only.  The dialog owns its service; `recognizer_ui` is the RecognizerUi.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from workbench.core.document.document import Document
from workbench.runtime.recognizer_training import RecognizerAdaptService
from workbench.ui.models.recognizer.transcript_panel import words_tier


def tier_words(document: Document) -> list[tuple[float, float, str]]:
    """(start s, end s, text) of the document's words tier (regions with text)."""
    tier = words_tier(document)
    rate = document.sample_rate
    return [] if tier is None else [(lab.start / rate, lab.end / rate, lab.text)
                                    for lab in tier.labels
                                    if not lab.is_point and lab.text.strip()]


class AdaptRecognizerDialog(QDialog):
    """Adapts recognizer `base` to ``document``'s words (see module docstring)."""

    def __init__(self, recognizer_ui, document: Document, base: str) -> None:
        super().__init__(recognizer_ui.window)
        self.setWindowTitle("Adapt Recognizer to This Recording")
        self.ui, self.document, self.base = recognizer_ui, document, base
        self.service = RecognizerAdaptService(recognizer_ui.window.model_jobs, self)
        self.words = tier_words(document)
        self.name_edit = QLineEdit(f"{document.title.rsplit('.', 1)[0]}-adapted")
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, 5000)
        self.steps_spin.setValue(40)
        self.transcribe_box = QCheckBox("Transcribe this recording with the adapted model")
        self.transcribe_box.setChecked(True)
        self.adapt_button = QPushButton("&Adapt")
        self.cancel_button = QPushButton("&Cancel Adapting")
        self.cancel_button.setEnabled(False)
        self.status = QLabel(f"Fine-tunes a copy of '{base}' on the {len(self.words)} words of "
                             f"the words tier. Correct the words first (double-click one).")
        self.status.setWordWrap(True)
        self.plot = pg.PlotWidget()
        self.plot.setLabel("bottom", "step")
        self.plot.setLabel("left", "CTC loss")
        self.plot.setMinimumHeight(160)
        self.loss_curve = self.plot.plot([], [], pen=pg.mkPen("#4a9eff", width=2))
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.adapted_model = None
        form = QFormLayout()
        form.addRow("Base model:", QLabel(base))
        form.addRow("Model &name:", self.name_edit)
        form.addRow("&Steps:", self.steps_spin)
        form.addRow(self.transcribe_box)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.adapt_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.adapt_button.setEnabled(bool(self.words))
        self.adapt_button.clicked.connect(self.adapt)
        self.cancel_button.clicked.connect(self.service.cancel)
        self.service.step_done.connect(self._on_service_step_done)
        self.service.adapted.connect(self._on_service_adapted)
        self.service.failed.connect(self._on_service_failed)
        self.service.cancelled.connect(self._on_service_cancelled)

    def adapt(self) -> None:
        """Start adapting with the dialog's settings."""
        self.steps, self.losses = [], []
        self.loss_curve.setData([], [])
        self.service.adapt(self.document, self.words, self.name_edit.text().strip(),
                           {"base": self.base, "steps": self.steps_spin.value()})
        self._set_running(True)
        self.status.setText(f"Adapting '{self.base}'…")

    def _set_running(self, running: bool) -> None:
        self.adapt_button.setEnabled(not running and bool(self.words))
        self.cancel_button.setEnabled(running)
        for widget in (self.name_edit, self.steps_spin):
            widget.setEnabled(not running)

    def _on_service_step_done(self, step) -> None:
        self.steps.append(step.step)
        self.losses.append(step.loss)
        self.loss_curve.setData(self.steps, self.losses)
        self.status.setText(f"Step {step.step}/{step.steps}: loss {step.loss:.3f}")

    def _on_service_adapted(self, model) -> None:
        self._set_running(False)
        self.adapted_model = model
        pieces = f"{model.utterances} utterance{'s' if model.utterances != 1 else ''}"
        self.status.setText(f"'{model.name}' joined the models ({pieces}, {model.seconds:.1f} s "
                            f"of audio, {model.training_s:.0f} s); the transcript panel offers "
                            "it.")
        self.ui.refresh_models()
        self.ui.panel.model_box.setCurrentText(model.name)
        if self.transcribe_box.isChecked():
            self.ui.transcribe_with(model.name)

    def _on_service_failed(self, error) -> None:
        self._set_running(False)
        self.status.setText(f"Adapting failed: {error}")

    def _on_service_cancelled(self) -> None:
        self._set_running(False)
        self.status.setText("Cancelled: nothing was written.")

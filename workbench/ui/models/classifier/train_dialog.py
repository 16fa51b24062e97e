"""Models > Train Classifier from Labels…: pick a label tier, name the model, Train.

The training runs as a background job on the model lane
(`ClassifierTrainingService`); each step adds a point to the live loss plot
(and every tenth the held-out accuracy, when a class has regions to hold out),
Cancel stops it after the current step and keeps a checkpoint: Resume continues
that model's training from there (also after the dialog was closed).  "Record
Example" records a take from the microphone onto the end of the recording and
labels it with the class typed beside it (ExampleRecorder), Teachable-Machine style.  When the new model has joined the
zoo, the dialog says so and (unless unticked) classifies the document with it,
so the class timeline shows the user's own classes at once.

GUI thread only.  The dialog owns its service; `window` is the MainWindow.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
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
from workbench.core.labels.labels import LabelTier
from workbench.runtime.classifier_training import ClassifierTrainingService
from workbench.ui.models.classifier.example_recorder import ExampleRecorder

NEW_TIER = "classes"  # the tier recorded examples go on when the document has none


def tier_classes(tier: LabelTier | None) -> list[str]:
    """The class names of a tier's regions, sorted."""
    if tier is None:
        return []
    return sorted({lab.text.strip() for lab in tier.labels
                   if not lab.is_point and lab.text.strip()})


def tier_summary(tier: LabelTier) -> str:
    """"classes (beep ×3, hiss ×3)": a tier's name and the regions of each class."""
    counts: dict[str, int] = {}
    for label in tier.labels:
        if not label.is_point and label.text.strip():
            counts[label.text.strip()] = counts.get(label.text.strip(), 0) + 1
    inside = ", ".join(f"{name} ×{n}" for name, n in sorted(counts.items())) or "no regions"
    return f"{tier.name} ({inside})"


class TrainClassifierDialog(QDialog):
    """Trains a classifier from one of ``document``'s label tiers (see module docstring)."""

    def __init__(self, window, document: Document) -> None:
        super().__init__(window)
        self.setWindowTitle("Train Classifier from Labels")
        self.window_, self.document = window, document
        self.service = ClassifierTrainingService(window.model_jobs, self)
        self.tier_combo = QComboBox()
        self._fill_tiers()
        self.class_combo = QComboBox()
        self.class_combo.setEditable(True)
        self.class_combo.lineEdit().setPlaceholderText("class name, e.g. whistle")
        self.record_button = QPushButton("\u25cf Record &Example")
        self.record_button.setCheckable(True)
        self.record_button.setToolTip("Record from the microphone onto the end of the "
                                      "recording, labelled with this class; click again to stop")
        self.examples = ExampleRecorder(window, document, self)
        self._fill_classes()
        self.name_edit = QLineEdit(f"{document.title.rsplit('.', 1)[0]}-classes")
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, 5000)
        self.steps_spin.setValue(60)
        self.last_block_box = QCheckBox("Also tune the last convolutional block")
        self.classify_box = QCheckBox("Classify this recording with the new model")
        self.classify_box.setChecked(True)
        self.train_button = QPushButton("&Train")
        self.cancel_button = QPushButton("&Cancel Training")
        self.cancel_button.setEnabled(False)
        self.resume_button = QPushButton("&Resume")
        self.resume_button.setToolTip("Continue the cancelled training of this model name "
                                      "from its checkpoint")
        self.status = QLabel("Label regions on a tier with your class names "
                             "(a few of each class), then Train.")
        self.status.setWordWrap(True)
        self.plot = pg.PlotWidget()
        self.plot.setLabel("bottom", "step")
        self.plot.setLabel("left", "loss / held-out accuracy")
        self.plot.setMinimumHeight(160)
        self.plot.addLegend(offset=(-10, 10))
        self.loss_curve = self.plot.plot([], [], pen=pg.mkPen("#4a9eff", width=2), name="loss")
        self.accuracy_curve = self.plot.plot([], [], pen=pg.mkPen("#f0a030", width=2),
                                             symbol="o", symbolSize=6, name="accuracy")
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.accuracy_steps: list[int] = []
        self.accuracies: list[float] = []
        self._lay_out()
        self.train_button.clicked.connect(lambda: self.train())
        self.resume_button.clicked.connect(lambda: self.train(resume=True))
        self.name_edit.textChanged.connect(lambda _t: self._update_resume())
        self.tier_combo.currentIndexChanged.connect(lambda _i: self._fill_classes())
        self.record_button.clicked.connect(self._on_record_button_clicked)
        self.examples.recording_changed.connect(self._on_examples_recording_changed)
        self.examples.example_added.connect(self._on_examples_example_added)
        self.cancel_button.clicked.connect(self.service.cancel)
        self.service.step_done.connect(self._on_service_step_done)
        self.service.resumed.connect(self._on_service_resumed)
        self.service.trained.connect(self._on_service_trained)
        self.service.failed.connect(self._on_service_failed)
        self.service.cancelled.connect(self._on_service_cancelled)
        self.trained_model = None
        self._running = False
        self._update_resume()

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Label &tier:", self.tier_combo)
        record = QHBoxLayout()
        record.addWidget(self.class_combo, 1)
        record.addWidget(self.record_button)
        form.addRow("Add an example:", record)
        form.addRow("Model &name:", self.name_edit)
        form.addRow("&Steps:", self.steps_spin)
        form.addRow(self.last_block_box)
        form.addRow(self.classify_box)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.resume_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)

    def _fill_tiers(self, current_id: str | None = None) -> None:
        self.tier_combo.blockSignals(True)
        self.tier_combo.clear()
        for tier in self.document.label_tiers:
            self.tier_combo.addItem(tier_summary(tier), tier.id)
        if current_id is not None:
            self.tier_combo.setCurrentIndex(max(0, self.tier_combo.findData(current_id)))
        self.tier_combo.blockSignals(False)

    def _fill_classes(self) -> None:
        typed = self.class_combo.currentText()
        self.class_combo.clear()
        self.class_combo.addItems(tier_classes(self.chosen_tier()))
        self.class_combo.setEditText(typed)

    def _on_record_button_clicked(self, checked: bool) -> None:
        if not checked:
            self.examples.stop()
            return
        tier = self.chosen_tier()
        name = self.class_combo.currentText().strip()
        if not name:
            self.status.setText("Type the class this example is of, then Record Example.")
        elif self.examples.start(name, tier.name if tier else NEW_TIER):
            self.status.setText(f"Recording an example of '{name}'… click the button again "
                                "to stop.")
            return
        self.record_button.setChecked(False)

    def _on_examples_recording_changed(self, recording: bool) -> None:
        self.record_button.setChecked(recording)
        self.record_button.setText("\u25a0 Stop &Example" if recording
                                   else "\u25cf Record &Example")

    def _on_examples_example_added(self, tier_id: str, class_name: str) -> None:
        self._fill_tiers(tier_id)
        self._fill_classes()
        tier = self.chosen_tier()
        count = sum(1 for lab in tier.labels if lab.text.strip() == class_name)
        self.status.setText(f"Added an example of '{class_name}' ({count} now) on tier "
                            f"{tier.name}.")

    def chosen_tier(self) -> LabelTier | None:
        tier_id = self.tier_combo.currentData()
        return next((t for t in self.document.label_tiers if t.id == tier_id), None)

    def train(self, resume: bool = False) -> None:
        """Start training with the dialog's choices (Train), or continue the stopped
        training of the model name from its checkpoint (Resume)."""
        tier = self.chosen_tier()
        if tier is None:
            self.status.setText("The document has no label tier: add one and label a few "
                                "regions of each class first.")
            return
        if not resume:  # a resumed run continues the curves already drawn
            self.steps, self.losses, self.accuracy_steps, self.accuracies = [], [], [], []
            self.loss_curve.setData([], [])
            self.accuracy_curve.setData([], [])
        self.trained_model = None
        self.service.train(self.document, tier, self.name_edit.text().strip(),
                           {"steps": self.steps_spin.value(),
                            "tune_last_block": self.last_block_box.isChecked(),
                            "resume": resume})
        self._set_running(True)
        verb = "Resuming" if resume else "Training"
        self.status.setText(f"{verb} '{self.name_edit.text().strip()}' from {tier.name}…")

    def _set_running(self, running: bool) -> None:
        self._running = running
        self.train_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in (self.tier_combo, self.name_edit, self.steps_spin, self.last_block_box):
            widget.setEnabled(not running)
        self._update_resume()

    def _update_resume(self) -> None:
        name = self.name_edit.text().strip()
        self.resume_button.setEnabled(not self._running and bool(name)
                                      and self.service.can_resume(name))

    def _on_service_step_done(self, step) -> None:
        self.steps.append(step.step)
        self.losses.append(step.loss)
        self.loss_curve.setData(self.steps, self.losses)
        text = f"Step {step.step}/{step.steps}: loss {step.loss:.3f}"
        if step.val_accuracy is not None:
            self.accuracy_steps.append(step.step)
            self.accuracies.append(step.val_accuracy)
            self.accuracy_curve.setData(self.accuracy_steps, self.accuracies)
            text += f", held-out accuracy {step.val_accuracy:.0%}"
        self.status.setText(text)

    def _on_service_resumed(self, history) -> None:
        """Redraw the loss curve from the checkpoint (the steps the resumed run keeps)."""
        done = len(history.losses)
        self.steps, self.losses = list(range(1, done + 1)), list(history.losses)
        kept = [(s, a) for s, a in zip(self.accuracy_steps, self.accuracies) if s <= done]
        self.accuracy_steps, self.accuracies = [s for s, _ in kept], [a for _, a in kept]
        self.loss_curve.setData(self.steps, self.losses)
        self.accuracy_curve.setData(self.accuracy_steps, self.accuracies)
        self.status.setText(f"Resuming after step {done}…")

    def _on_service_trained(self, result) -> None:
        self._set_running(False)
        self.trained_model = result
        accuracy = ("" if result.val_accuracy is None
                    else f", held-out window accuracy {result.val_accuracy:.0%}")
        self.status.setText(f"Model '{result.name}' ({', '.join(result.labels)}) joined the "
                            f"zoo after {result.training_s:.1f} s{accuracy}.")
        if self.classify_box.isChecked():
            self.window_.model_jobs.submit("classify", self.document, model=result.name)

    def _on_service_failed(self, error) -> None:
        self._set_running(False)
        self.status.setText(f"Training failed: {error}")

    def _on_service_cancelled(self) -> None:
        self._set_running(False)
        done = f" after step {self.steps[-1]}" if self.steps else ""
        more = " Resume continues from there." if self.resume_button.isEnabled() else ""
        self.status.setText(f"Training cancelled{done}; the zoo is unchanged.{more}")

    def done(self, result: int) -> None:  # closing the dialog stops its training
        self.service.cancel()
        super().done(result)

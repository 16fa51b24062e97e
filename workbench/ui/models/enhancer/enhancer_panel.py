"""The enhancer review's controls: what is heard, strength, scores, Apply and Discard.

It only draws and forwards intent (signals); the EnhancerUi acts on them.
GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.core.analysis.enhancement_review import SNR_LIMITS_DB, EnhancementScores
from workbench.core.analysis.squim_scores import SquimScores, squim_text
from workbench.ui.models.enhancer.enhancer_review import SOURCES

MAX_LIMIT_DB = 60  # the spin box's top; its bottom (0) means "no limit"


def snr_text(snr_db: float) -> str:
    """An estimate for people: at the estimator's limits it says so ("≥ 60 dB")."""
    low, high = SNR_LIMITS_DB
    if snr_db >= high:
        return f"≥ {high:.0f} dB"
    if snr_db <= low:
        return f"≤ {low:.0f} dB"
    return f"{snr_db:.1f} dB"


class EnhancerPanel(QWidget):
    """Controls of one enhancer result under review (see module docstring)."""

    source_chosen = Signal(str)  # "original", "enhanced" or "residual"
    wet_changed = Signal(float)  # 0..1
    attenuation_changed = Signal(object)  # dB (float) or None for no limit
    apply_requested = Signal()
    discard_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        self.source_buttons = QButtonGroup(self)
        heard = QHBoxLayout()
        heard.addWidget(QLabel("Hear (B):"))
        for index, source in enumerate(SOURCES):
            button = QRadioButton(source.capitalize())
            button.setObjectName(f"hear-{source}")
            self.source_buttons.addButton(button, index)
            heard.addWidget(button)
        heard.addStretch(1)
        self.source_buttons.button(0).setChecked(True)
        self.source_buttons.idClicked.connect(
            lambda index: self.source_chosen.emit(SOURCES[index]))
        self.limit_box = QSpinBox()
        self.limit_box.setRange(0, MAX_LIMIT_DB)
        self.limit_box.setSuffix(" dB")
        self.limit_box.setSpecialValueText("no limit")
        self.limit_box.setToolTip("How far noise may be pushed down (re-runs the model)")
        self.limit_box.valueChanged.connect(
            lambda v: self.attenuation_changed.emit(float(v) if v else None))
        self.wet_slider = QSlider(Qt.Orientation.Horizontal)
        self.wet_slider.setRange(0, 100)
        self.wet_slider.setValue(100)
        self.wet_slider.setToolTip("Dry/wet: how much of the enhanced audio replaces the original")
        # Re-mixing a long span takes a while: the mix follows the released slider
        # (and the keys), the label follows the drag.
        self.wet_slider.setTracking(False)
        self.wet_slider.valueChanged.connect(lambda v: self.wet_changed.emit(v / 100.0))
        self.wet_label = QLabel("100 %")
        self.wet_slider.valueChanged.connect(lambda v: self.wet_label.setText(f"{v} %"))
        self.wet_slider.sliderMoved.connect(lambda v: self.wet_label.setText(f"{v} %"))
        wet_row = QHBoxLayout()
        wet_row.addWidget(self.wet_slider, 1)
        wet_row.addWidget(self.wet_label)
        self.scores_label = QLabel()
        self.squim_label = QLabel()
        self.squim_label.setWordWrap(True)
        self.squim_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel()
        self.apply_button = QPushButton("&Apply")
        self.discard_button = QPushButton("&Discard")
        self.apply_button.clicked.connect(self.apply_requested)
        self.discard_button.clicked.connect(self.discard_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.apply_button)
        form = QFormLayout()
        form.addRow("Attenuation limit:", self.limit_box)
        form.addRow("Dry/wet:", wet_row)
        form.addRow("Estimated SNR:", self.scores_label)
        form.addRow("SQUIM (no reference):", self.squim_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(heard)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def show_source(self, source: str) -> None:
        self.source_buttons.button(SOURCES.index(source)).setChecked(True)

    def show_scores(self, scores: EnhancementScores) -> None:
        self.scores_label.setText(
            f"{snr_text(scores.snr_before_db)} before → {snr_text(scores.snr_after_db)} after; "
            f"removed {scores.removed_db:.1f} dB of the energy")

    def show_squim(self, before: SquimScores | None, after: SquimScores | None) -> None:
        self.squim_label.setToolTip("torchaudio's SQUIM objective model: STOI, PESQ and "
                                    "SI-SDR estimated without a clean reference")
        if before is None or after is None:
            self.squim_label.setText("too short to score (under half a second)")
        else:
            self.squim_label.setText(squim_text(before, after))

    def show_squim_busy(self) -> None:
        self.squim_label.setText("scoring…")

    def show_squim_missing(self, checkpoint) -> None:
        """How to install SQUIM's weights (`checkpoint`: the path they go to)."""
        self.squim_label.setText("not installed (Model Manager: SQUIM_OBJECTIVE)")
        self.squim_label.setToolTip(f"Models > Model Manager downloads it; or copy torchaudio's "
                                    f"{checkpoint.name} to {checkpoint.parent}")

    def set_busy(self, busy: bool) -> None:
        """While the model re-runs: Apply waits for the strength being heard."""
        self.apply_button.setEnabled(not busy)
        self.status_label.setText("Re-running with the new limit…" if busy else "")

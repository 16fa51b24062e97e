"""The model manager: the zoo's models, the public pretrained ones, and the device setting.

Listing the zoo hashes every model file, so it runs as a CPU job and the
table fills in when it is done.  Downloading a pretrained model is a job
too: it shows in the jobs panel with progress and a Cancel button, and an
offline machine gets the download error there (and here).  The device
setting (auto, cpu, cuda) applies to model jobs submitted afterwards and is
saved with the user's settings.

GUI thread only; a non-modal dialog owned by the main window.
"""

from __future__ import annotations

import functools

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from workbench.core.jobs import CancelToken, JobRequest, Progress
from workbench.core.settings import Settings
from workbench.ml.zoo import ModelZoo, ZooEntry
from workbench.ml.zoo.pretrained import PretrainedInfo, download_pretrained, list_pretrained
from workbench.runtime.job_runner import JobHandle
from workbench.runtime.model_jobs import ModelJobService

DEVICE_CHOICES = ("auto", "cpu", "cuda")
ZOO_COLUMNS = ("Name", "Task", "Architecture", "Metrics", "Files")
PRETRAINED_COLUMNS = ("Name", "Task", "Status", "")


def list_zoo(zoo: ModelZoo, cancel: CancelToken):
    """Task: the zoo's entries with their checksums checked (empty when no manifest)."""
    yield Progress(None, f"Checking the models in {zoo.folder}…")
    cancel.check()
    return zoo.list_models() if zoo.manifest_path.exists() else []


def _metrics_text(entry: ZooEntry) -> str:
    if entry.card is None:
        return ""
    return ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}"
                     for k, v in entry.card.metrics.items())


class ModelManagerDialog(QDialog):
    """See the module docstring.  `refresh()` lists again; `download(name)` starts a job."""

    def __init__(self, model_jobs: ModelJobService, settings: Settings, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.resize(900, 520)
        self._service, self._settings = model_jobs, settings
        self.zoo_table = self._table(ZOO_COLUMNS)
        self.pretrained_table = self._table(PRETRAINED_COLUMNS)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.device_combo = QComboBox()
        self.device_combo.addItems(DEVICE_CHOICES)
        if model_jobs.device_setting not in DEVICE_CHOICES:
            self.device_combo.addItem(model_jobs.device_setting)
        self.device_combo.setCurrentText(model_jobs.device_setting)
        self.device_combo.currentTextChanged.connect(self._on_device_combo_changed)
        self._lay_out()
        self.listing: JobHandle | None = None
        self.downloads: dict[str, JobHandle] = {}
        self.refresh()

    @staticmethod
    def _table(columns: tuple[str, ...]) -> QTableWidget:
        table = QTableWidget(0, len(columns))
        table.setHorizontalHeaderLabels(columns)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _lay_out(self) -> None:
        zoo_box = QGroupBox(f"Workbench models ({self._service.zoo.folder})")
        QVBoxLayout(zoo_box).addWidget(self.zoo_table)
        pretrained_box = QGroupBox("Public pretrained models (torchaudio)")
        QVBoxLayout(pretrained_box).addWidget(self.pretrained_table)
        form = QFormLayout()
        form.addRow("Run models on:", self.device_combo)
        if self._service.device_flag:
            form.addRow("", QLabel(f"(this session: --device {self._service.device_flag})"))
        layout = QVBoxLayout(self)
        layout.addWidget(zoo_box, 1)
        layout.addWidget(pretrained_box, 1)
        layout.addLayout(form)
        layout.addWidget(self.status_label)

    # -- listing ----------------------------------------------------------------------
    def refresh(self) -> None:
        """List the zoo (as a job) and the pretrained models (at once: no hashing)."""
        self._show_pretrained(list_pretrained())
        request = JobRequest("list-models", "Check models", target=str(self._service.zoo.folder))
        self.listing = self._service.runner.submit(
            request, functools.partial(list_zoo, self._service.zoo))
        self.listing.finished.connect(self._show_zoo)
        self.listing.failed.connect(lambda exc: self.status_label.setText(str(exc)))

    def _show_zoo(self, entries: list[ZooEntry]) -> None:
        self.zoo_table.setRowCount(len(entries))
        for row, e in enumerate(entries):
            card = e.card
            cells = (e.name, card.task if card else "?", card.architecture if card else "?",
                     _metrics_text(e), "verified" if e.usable else str(e.problem))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.zoo_table.setItem(row, col, item)
        if not entries:
            self.status_label.setText("No workbench models installed yet: train one with "
                                      "`workbench train recognizer|enhancer|classifier`.")

    def _show_pretrained(self, infos: list[PretrainedInfo]) -> None:
        self.pretrained_table.setRowCount(len(infos))
        for row, info in enumerate(infos):
            status = "downloaded" if info.cached else "not downloaded"
            for col, text in enumerate((info.name, info.task, status)):
                item = QTableWidgetItem(text)
                item.setToolTip(info.description if col == 0 else text)
                self.pretrained_table.setItem(row, col, item)
            button = QPushButton("Download")
            button.setEnabled(not info.cached and info.name not in self.downloads)
            button.clicked.connect(functools.partial(self.download, info.name))
            self.pretrained_table.setCellWidget(row, 3, button)

    # -- actions ------------------------------------------------------------------------
    def download(self, name: str) -> JobHandle:
        """Download `name` as a job (progress and cancel in the jobs panel)."""
        request = JobRequest("download", f"Download {name}", target=name)
        handle = self._service.runner.submit(request, functools.partial(download_pretrained,
                                                                       name))
        self.downloads[name] = handle
        handle.failed.connect(lambda exc: self.status_label.setText(f"{name}: {exc}"))
        handle.ended.connect(functools.partial(self._on_download_ended, name))
        self._show_pretrained(list_pretrained())
        return handle

    def _on_download_ended(self, name: str, _handle=None) -> None:
        self.downloads.pop(name, None)
        self._show_pretrained(list_pretrained())

    def _on_device_combo_changed(self, name: str) -> None:
        self._service.set_device_setting(name)
        self._settings.device = name
        try:
            self._settings.save()
        except OSError as exc:
            self.status_label.setText(f"Could not save the setting: {exc}")

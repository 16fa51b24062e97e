"""A panel with the facts about the current file: format, rate, duration, levels."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from workbench.core.audio.audio_stats import AudioStats
from workbench.core.document.document import Document
from workbench.ui.timeline.time_axis import format_time

FIELDS = ("File", "Format", "Sample rate", "Channels", "Duration", "Frames", "Size",
          "Peak", "RMS", "Warnings")


class FileInfoPanel(QWidget):
    """Shows one document's file info; levels arrive later from a background job."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.values: dict[str, QLabel] = {}
        for name in FIELDS:
            label = QLabel("–")
            label.setWordWrap(True)
            label.setObjectName(name)
            form.addRow(name + ":", label)
            self.values[name] = label

    def show_document(self, doc: Document | None, stats: AudioStats | None = None,
                      warnings: tuple[str, ...] = ()) -> None:
        if doc is None:
            for label in self.values.values():
                label.setText("–")
            return
        info = doc.info
        v = self.values
        v["File"].setText(str(doc.path) if doc.path else "(not saved)")
        v["Format"].setText(getattr(info, "format_info", "") or "in memory")
        v["Sample rate"].setText(f"{doc.sample_rate} Hz")
        v["Channels"].setText(str(doc.channels))
        v["Duration"].setText(format_time(doc.duration))
        v["Frames"].setText(f"{doc.frames:,}")
        size = getattr(info, "file_size", None)
        v["Size"].setText(f"{size / 1e6:.1f} MB" if size else "–")
        warnings = list(getattr(info, "warnings", ()) or ()) + list(warnings)
        v["Warnings"].setText("\n".join(warnings) or "none")
        v["Warnings"].setStyleSheet("color: #d08000;" if warnings else "")
        self.show_stats(stats)

    def show_stats(self, stats: AudioStats | None) -> None:
        if stats is None:
            self.values["Peak"].setText("measuring…")
            self.values["RMS"].setText("measuring…")
            return
        fmt = ", ".join
        self.values["Peak"].setText(fmt(f"{AudioStats.dbfs(p):.1f} dBFS" for p in stats.peak))
        self.values["RMS"].setText(fmt(f"{AudioStats.dbfs(r):.1f} dBFS" for r in stats.rms))

"""About Audio Workbench: the versions it runs on and the folders it uses."""

from __future__ import annotations

import html
import platform
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

import workbench
from workbench.core import paths

# Read from the installed packages' metadata: importing torch here would cost start-up time.
PACKAGES = ("numpy", "pyqtgraph", "soundfile", "torch", "torchaudio")


def about_facts() -> list[tuple[str, str]]:
    """(name, value) pairs: versions, then the model, data, settings and cache folders."""
    facts = [("Audio Workbench", workbench.__version__),
             ("Python", platform.python_version()),
             ("PySide6 / Qt", f"{pyside_version} / {qVersion()}")]
    for name in PACKAGES:
        try:
            facts.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            facts.append((name, "not installed"))
    facts += [("Model folder", str(paths.models_dir())),
              ("Your trained models", str(paths.user_models_dir())),
              ("Data folder", str(paths.data_dir())),
              ("Settings folder", str(paths.config_dir())),
              ("Cache folder", str(paths.cache_dir()))]
    return facts


def about_dialog(parent: QWidget) -> QMessageBox:
    """The About box (opened, not run: it does not block)."""
    rows = "".join(f"<tr><td><b>{html.escape(k)}</b>&nbsp;&nbsp;</td>"
                   f"<td>{html.escape(v)}</td></tr>" for k, v in about_facts())
    box = QMessageBox(QMessageBox.Icon.Information, "About Audio Workbench",
                      f"<p>A workbench for audio and the neural networks that listen to it."
                      f"</p><table>{rows}</table>", QMessageBox.StandardButton.Ok, parent)
    box.open()
    return box

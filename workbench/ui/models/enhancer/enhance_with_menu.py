"""Models > Enhance With: run a chosen enhancer on the selection (or the whole file).

It lists the zoo's usable enhancers, then torchaudio's pretrained separators
(Conv-TasNet); one not downloaded yet is shown greyed with where to get it.  The
result goes to the same review as Enhance Speech.  Filled each time it opens
(listing reads only JSON and file sizes, never torch).

GUI thread only; `window` is the MainWindow, whose model job service runs the job.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMenu

from workbench.ml.enhancer.pretrained_names import PRETRAINED_ENHANCERS
from workbench.ml.errors import ModelLoadError
from workbench.ml.zoo.pretrained import pretrained_info
from workbench.runtime.job_runner import JobHandle


class EnhanceWithMenu(QMenu):
    """The enhancers to choose from (see the module docstring)."""

    def __init__(self, window) -> None:
        super().__init__("Enhance &With", window)
        self.window = window
        self.aboutToShow.connect(self.refresh)

    def zoo_enhancer_names(self) -> list[str]:
        try:
            return self.window.model_jobs.zoo.usable_names("speech-enhancement")
        except ModelLoadError:  # an unreadable manifest: nothing to offer from it
            return []

    def refresh(self) -> None:
        self.clear()
        for name in self.zoo_enhancer_names():
            self.addAction(name).triggered.connect(lambda _=False, n=name: self.enhance_with(n))
        for name in PRETRAINED_ENHANCERS:
            if pretrained_info(name).cached:
                action = self.addAction(f"{name} (torchaudio)")
                action.triggered.connect(lambda _=False, n=name: self.enhance_with(n))
            else:
                self.addAction(f"{name} (not downloaded: Model Manager)").setEnabled(False)

    def enhance_with(self, name: str) -> JobHandle | None:
        """Enhance the current selection (or file) with model `name`; the review follows."""
        return self.window.models_menu.submit_on_selection("enhance", model=name)

"""Classes while recording: on the recording monitor as they are heard, then in the take.

While the recorder records, its samples go to a `LiveClassification` (runtime) of that
take on the live lane; the classes heard so far show as a coloured line under the
recording monitor's views (the newest segments, each with its class and times:
`classes_changed`).  When the take stops, what is queued is classified and the take's
end window added; once the take is in a document (`take_placed`) that classification
is applied to it over the take's span (one undoable step), so the take's class row
and "classes" tier show it like any classification.  Each take has its own
classification, matched to its placement by the take's file, so a new take can start
while the last one is still being finished.

Following the recorder's takes and applying the result is `ui.live_take_follower`;
this holds the classifier's part (its job, its coloured line).

GUI thread only.  Built by ClassifierUi; owns the classifications and the monitor's line.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal

from workbench.core.analysis.results import Classification
from workbench.core.labels.class_colours import class_colour
from workbench.runtime.live_classification import LiveClassification
from workbench.ui.live_take_follower import LiveTake, LiveTakeFollower

SHOWN_SEGMENTS = 6  # the newest segments on the monitor's line


def segments_html(result: Classification) -> str:
    """The newest segments as coloured rich text: "tone 0.0–2.2 s · noise 2.2–3.4 s"."""
    parts = []
    for s in result.segments[-SHOWN_SEGMENTS:]:
        r, g, b = class_colour(s.label, result.labels)
        parts.append(f'<span style="color: rgb({r},{g},{b}); font-weight: bold">'
                     f"{html.escape(s.label)}</span> {s.start:.1f}\u2013{s.end:.1f} s")
    return " \u00b7 ".join(parts)


class LiveClasses(LiveTakeFollower):
    """Live classes for `window` (a MainWindow); `model()` names the classifier to use
    (None: the zoo's default)."""

    classes_changed = Signal(object)  # Classification of the take being recorded, so far
    task_name = "classify"

    def __init__(self, window, model) -> None:
        super().__init__(window, model, "live-classes")
        self.label.setTextFormat(Qt.TextFormat.RichText)  # class names in their colours
        self.label.setStyleSheet("font-size: 12pt;")
        self.result: Classification | None = None  # the current take's classes so far

    def _new_service(self) -> LiveClassification:
        return LiveClassification(self.window.runner, self.window.model_jobs, self)

    def _take_started(self) -> None:
        self.result = None
        self.label.setText("Loading the classifier…")

    def _show_so_far(self, take: LiveTake, result: Classification) -> None:
        self.result = result
        self.label.setText(segments_html(result) or f"Classes ({result.model}): listening…")
        self.classes_changed.emit(result)

    def _show_final(self, result: Classification) -> None:
        self.result = result
        self.label.setText(segments_html(result))

    def _failure_text(self, error) -> str:
        return f"No live classes: {html.escape(str(error))}"

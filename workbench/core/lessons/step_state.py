"""What the views look like at a step.

Settings accumulate: a step's spectrogram settings, visible range and panels are
those its own directives and every earlier step's set, so going Back to step k
shows exactly what going forward to step k showed.  A highlight, a pointer and a
"try this" prompt belong to their step alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.core.lessons.directives import SPECTROGRAM_FIELDS
from workbench.core.lessons.lesson import Lesson


@dataclass(frozen=True)
class StepState:
    """The view state at one step (see the module docstring for what accumulates).

    `spectrogram` maps SpectrogramSettings field names to values; `view` is
    (start s, end s), "all", or None when no step so far set it; `panels` maps
    panel names to shown (True) or hidden (False).
    """

    spectrogram: dict[str, object] = field(default_factory=dict)
    view: tuple[float, float] | str | None = None
    panels: dict[str, bool] = field(default_factory=dict)
    highlight: tuple[float, float] | None = None
    point: tuple[str, ...] = ()
    try_text: str | None = None


def state_at(lesson: Lesson, index: int) -> StepState:
    """The StepState of step `index` (0-based) of `lesson`."""
    if not 0 <= index < len(lesson.steps):
        raise IndexError(f"step {index} of a lesson with {len(lesson.steps)} steps")
    spectrogram: dict[str, object] = {}
    panels: dict[str, bool] = {}
    view = None
    for step in lesson.steps[:index + 1]:
        for directive in step.directives:
            if directive.key in SPECTROGRAM_FIELDS:
                spectrogram[SPECTROGRAM_FIELDS[directive.key]] = directive.value
            elif directive.key == "view":
                view = directive.value
            elif directive.key in ("show", "hide"):
                panels.update(dict.fromkeys(directive.value, directive.key == "show"))
    step = lesson.steps[index]
    return StepState(spectrogram, view, panels, step.get("highlight"), step.get("point", ()),
                     step.get("try"))

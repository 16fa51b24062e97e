"""The `unit` directive on the recognizer's hidden state row: show a layer and one unit.

`choose_unit(row, document, spec)` shows layer and direction of `spec` (clamped to
the model's) on the HiddenStateRow and plots one unit: a number, or "silence",
the unit whose activation correlates most with the document's quiet frames
(core.analysis.unit_tracking), so the lesson works with whatever model is
installed.  Returns a sentence for the status bar.

GUI thread only; the row belongs to the recognizer's room.
"""

from __future__ import annotations

from workbench.core.analysis.recurrent_states import DIRECTIONS
from workbench.core.analysis.unit_tracking import silence_indicator, unit_tracking


def row_choice(row) -> tuple[int, int, int | None]:
    """What the row shows now (layer, direction, unit), to put back later."""
    return row.layer, row.direction, row.unit


def restore_choice(row, choice: tuple[int, int, int | None]) -> None:
    if row.states is None:
        return
    layer, direction, unit = choice
    row.choose(min(layer, row.states.layers - 1), direction)
    row.choose_unit(unit if unit is None or unit < row.states.units else None)


def choose_unit(row, document, spec: tuple[int, int, int | str]) -> str:
    """Show `spec` (layer, direction, unit or property) on `row`; a sentence on what it shows."""
    states = row.states
    layer, direction, which = spec
    layer = min(layer, states.layers - 1)
    row.choose(layer, direction)
    where = f"layer {layer + 1} {DIRECTIONS[direction]}"
    if which == "silence":
        samples = document.tracks[0].samples.read()
        try:
            unit, r = unit_tracking(states, layer, direction,
                                    silence_indicator(samples, document.sample_rate, states))
        except ValueError as exc:
            return f"No unit to show: {exc}"
        row.choose_unit(unit)
        sign = "rises" if r > 0 else "falls"
        return (f"Unit {unit} of {where} follows silence most closely: it {sign} in the "
                f"pauses (correlation {r:+.2f})")
    unit = min(int(which), states.units - 1)
    row.choose_unit(unit)
    return f"Unit {unit} of {where}"

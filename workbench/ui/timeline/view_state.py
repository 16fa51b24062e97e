"""What a project remembers about how a document was shown: visible range, spectrogram.

Plain JSON-able dicts, so the project file (core) never sees a widget.  A
value that does not fit (a project edited by hand, settings a newer version
added) is skipped rather than refusing to open the project: the view then
keeps its default for that part.  GUI thread only.
"""

from __future__ import annotations

from dataclasses import asdict, fields

from workbench.core.analysis.spectrogram import SpectrogramSettings


def view_state(view) -> dict:
    """The state of a DocumentView worth keeping in a project."""
    t0, t1 = view.visible_range()
    return {"visible_range": [t0, t1], "spectrogram": asdict(view.spectrogram.settings)}


def apply_view_state(view, state: dict) -> None:
    """Show `view` as `state` (from `view_state`) describes, as far as it can."""
    visible = state.get("visible_range")
    if isinstance(visible, list) and len(visible) == 2:
        view.set_visible_range(float(visible[0]), float(visible[1]))
    settings = state.get("spectrogram")
    if isinstance(settings, dict):
        known = {f.name for f in fields(SpectrogramSettings)}
        try:
            chosen = SpectrogramSettings(**{k: v for k, v in settings.items() if k in known})
        except (TypeError, ValueError):
            return
        view.spectrogram.set_settings(chosen)

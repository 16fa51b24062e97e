"""Panels and bars beside the timeline: file info, history, jobs, level meter,
recording monitor, transport bar and selection bar.

Imports core, runtime, ui.timeline and ui's top; never ui.shell or ui.dialogs.
"""

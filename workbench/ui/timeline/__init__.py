"""The timeline: the document view and every row it stacks (waveform, spectrogram,
label tiers), the playhead, the overview strip, the time axis, the shared time view box,
and the view state a project remembers.

Imports core, runtime and ui's top (event_subscription); never ui.shell, ui.panels,
ui.dialogs or a model-family room.
"""

"""The window shell: the main window, its menus and actions (edit, labels, project,
models, playback and recording), the status bar indicators, error reporting, the
unsaved-changes guard, start-up recovery and window screenshots.

The top of ui: may import every other ui room, runtime, ml's lightweight modules and
core.  No other ui room imports it.
"""

"""Dialogs: effects, export, recovery, spectrogram settings, the model manager, and the
shared OK/Cancel button row.

Imports core, runtime and ml.zoo (the model manager's listing); never ui.shell,
ui.panels or a model-family room.
"""

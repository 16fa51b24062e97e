"""The document and every undoable change to it: the Document (tracks, labels,
analysis results, revision), the selection, the History of named commands, edits and
the edit, track, label and analysis commands, the clipboard and the effects.

Imports core.audio, core.analysis, core.labels and core's top-level modules; never
core.storage.
"""

"""The speech recognizer's room in the UI: the transcript panel (words with times and
confidence, click to select and play, undoable word edits) and its wiring into the main
window.  Uses core, runtime and ui; never another model family's room.
"""

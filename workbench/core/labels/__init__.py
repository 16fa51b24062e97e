"""Labels on the timeline: label tiers and their pure operations (labels.py), label
file formats, subtitles, segment export, and the class segments and tiers built from a
classification (with their colours).

Imports core.analysis (result types), core.audio and core's top-level modules; never
core.document or core.storage.  The undoable label edits are core.document.label_commands.
"""

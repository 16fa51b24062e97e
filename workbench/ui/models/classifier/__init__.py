"""The sound classifier in the GUI: the classes timeline row, the window inspector
with its saliency overlay, the segment actions (labels from segments, export), and the
glue that runs the classify job and shows its result (classifier_ui.py).

Imports core, runtime, ui.timeline and ui's top; never ui.shell or another model family.
"""

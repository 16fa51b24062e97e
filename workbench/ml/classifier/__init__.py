"""The sound-class CNN: the network (net.py), the classify task (task.py: the one
inference path, for the CLI, the GUI worker and evaluation) and inspection of one
window (inspection.py: saliency, filters, feature maps).

Imports torch, core, ml.tasks and ml.zoo; never another model family.
"""

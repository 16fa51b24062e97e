"""The speech enhancer: the STFT mask network (net.py) and the enhance task (task.py).

Imports torch, core, ml.tasks, ml.zoo and ml's top (resample); never another model family.
"""

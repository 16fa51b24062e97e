"""The speech enhancer: the STFT mask network (net.py), the enhance task (task.py) and
looking inside the net (inspection.py: its mask and GRU state per frame); reference-free
quality scores with torchaudio's SQUIM objective model (squim.py).

Imports torch, core, ml.tasks, ml.zoo and ml's top (resample); never another model family.
"""

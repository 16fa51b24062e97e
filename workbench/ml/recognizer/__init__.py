"""The speech recognizer: the CTC network (net.py), greedy CTC decoding (decode.py)
and the transcribe task (task.py).

Imports torch, core, ml.tasks and ml.zoo; never another model family.
"""

"""The speech recognizer: the CTC network (net.py), greedy CTC decoding (decode.py)
and the transcribe task (task.py); torchaudio's pretrained recognizers through the same
task (pretrained_ctc.py, pretrained_rnnt.py, the RNN-T's decoding in rnnt/).

Imports torch, core, ml.tasks and ml.zoo; never another model family.
"""

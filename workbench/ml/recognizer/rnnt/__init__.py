"""What an RNN-T recognizer over word pieces needs beside its network, as torchaudio's
RNN-T pipeline does it: the log-mel features (features.py), the beam search that also
times each token (beam_search.py) and the word pieces joined into timed words
(word_pieces.py).  ml/recognizer/pretrained_rnnt.py runs them for the Emformer RNN-T.

Imports torch, torchaudio, core and ml.errors; sentencepiece only when a model loads.
"""

"""The torchaudio pretrained recognizers the transcribe task can run (no torch here, so
the GUI can list them): WAV2VEC2_ASR_BASE_960H, a character CTC model
(pretrained_ctc.py), and EMFORMER_RNNT_BASE_LIBRISPEECH, an RNN-T over sentencepiece
word pieces decoded with torchaudio's RNN-T beam search (pretrained_rnnt.py)."""

PRETRAINED_RECOGNIZERS = ("WAV2VEC2_ASR_BASE_960H", "EMFORMER_RNNT_BASE_LIBRISPEECH")

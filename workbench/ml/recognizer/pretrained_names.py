"""The torchaudio pretrained recognizers the transcribe task can run (no torch here, so
the GUI can list them).  EMFORMER_RNNT_BASE_LIBRISPEECH is not among them: it emits
sentencepiece tokens through an RNN-T decoder, which this task path does not have."""

PRETRAINED_RECOGNIZERS = ("WAV2VEC2_ASR_BASE_960H",)

"""The torchaudio pretrained separators the enhance task can run, and their rates (no torch
here, so the GUI can list them)."""

PRETRAINED_ENHANCERS = {"CONVTASNET_BASE_LIBRI2MIX": 8000}

"""What is computed from the audio, for display and from models: analysis results
(transcripts, enhanced audio, classifications; results.py), the STFT and spectrogram
tiles, the min/max peak pyramid, frequency scales and colour maps.

Imports core.audio and core's top-level modules; never core.labels, core.document or
core.storage.  Applying a result to a document is a command: core.document.analysis_commands.
"""

"""Samples and sound files: immutable sample blocks and block sequences, lazy sample
sources and their storage, reading audio files (RIFF/WAV layout), writing WAV files,
export and sample-format conversion, input-gap detection, levels and audio statistics.

Imports numpy, soundfile and core's top-level modules (jobs, events, paths, durable
files) only: never core.document, core.labels, core.analysis or core.storage (an
import-linter contract checks it).
"""

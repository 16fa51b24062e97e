"""A classify spec whose task kills its worker process on a silent file (a stand-in
for a crash in native code), for the local executor's crash test."""

import os
from dataclasses import replace

import numpy as np

from tests.tiny_models import tiny_classify_spec


def crash_on_silence(audio, sample_rate, params, cancel, model_provider):
    samples = audio.read(0, audio.frames) if hasattr(audio, "read") else np.asarray(audio)
    if not np.any(samples):
        os._exit(9)
    return (yield from tiny_classify_spec().run(audio, sample_rate, params, cancel,
                                                model_provider))


def crashing_classify_spec():
    return replace(tiny_classify_spec(), run=crash_on_silence)

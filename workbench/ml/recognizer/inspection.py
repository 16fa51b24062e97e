"""Looking inside the recognizer: its log posteriors for a stretch of audio.

`posteriorgram(net, samples, characters)` runs the same `RecognizerStream` the
transcribe task uses (so the rows are the ones decoding saw) and returns a
`Posteriorgram` (core) with the best path available from it.
"""

from __future__ import annotations

import numpy as np

from workbench.core.analysis.posteriorgram import Posteriorgram
from workbench.ml.recognizer.net import CtcRecognizer
from workbench.ml.recognizer.stream import RecognizerStream


def posteriorgram(net: CtcRecognizer, samples: np.ndarray, characters: str,
                  start_s: float = 0.0, model: str = "", device: str = "cpu") -> Posteriorgram:
    """Log posteriors of mono float32 ``samples`` at the net's rate, frame 0 at ``start_s``."""
    stream = RecognizerStream(net.eval(), device)
    rows = [stream.feed(np.asarray(samples, np.float32)), stream.finish()]
    log_probs = np.concatenate(rows).astype(np.float32)
    return Posteriorgram(log_probs, characters, net.seconds_per_frame, start_s, model)

"""Looking inside the recognizer: its log posteriors and its recurrent layers' states.

Both run the same `RecognizerStream` the transcribe task uses (so the rows are the
ones decoding saw): `posteriorgram(net, samples, characters)` returns a core
`Posteriorgram` (best path and top symbols available from it), and
`recurrent_states(net, samples)` returns a core `RecurrentStates` (each GRU layer's
forward and backward outputs, frame for frame with the posteriorgram).
"""

from __future__ import annotations

import numpy as np

from workbench.core.analysis.posteriorgram import Posteriorgram
from workbench.core.analysis.recurrent_states import RecurrentStates
from workbench.ml.recognizer.net import CtcRecognizer
from workbench.ml.recognizer.stream import RecognizerStream


def _run(net: CtcRecognizer, samples: np.ndarray, device: str, keep_layers: bool
         ) -> tuple[np.ndarray, RecognizerStream]:
    stream = RecognizerStream(net.eval(), device, keep_layers=keep_layers)
    rows = [stream.feed(np.asarray(samples, np.float32)), stream.finish()]
    return np.concatenate(rows).astype(np.float32), stream


def posteriorgram(net: CtcRecognizer, samples: np.ndarray, characters: str,
                  start_s: float = 0.0, model: str = "", device: str = "cpu") -> Posteriorgram:
    """Log posteriors of mono float32 ``samples`` at the net's rate, frame 0 at ``start_s``."""
    log_probs, _ = _run(net, samples, device, keep_layers=False)
    return Posteriorgram(log_probs, characters, net.seconds_per_frame, start_s, model)


def recurrent_states(net: CtcRecognizer, samples: np.ndarray, start_s: float = 0.0,
                     model: str = "", device: str = "cpu") -> RecurrentStates:
    """Every recurrent layer's outputs over mono float32 ``samples`` at the net's rate:
    states (layers, 2 directions, frames, units), frame 0 at ``start_s``."""
    log_probs, stream = _run(net, samples, device, keep_layers=True)
    frames, units = len(log_probs), net.rnn[0].hidden
    layers = []
    for blocks in stream.layer_outputs:
        # finish() pads the last chunk; its rows past the audio's end are dropped there,
        # and here: frames are those of the posteriorgram.
        out = np.concatenate(blocks)[:frames] if blocks else np.zeros((0, 2 * units))
        layers.append(np.stack([out[:, :units], out[:, units:]]))
    states = np.stack(layers).astype(np.float16) if layers else \
        np.zeros((0, 2, frames, units), np.float16)
    return RecurrentStates(states, net.seconds_per_frame, start_s, model)

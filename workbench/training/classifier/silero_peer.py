"""silero-vad as a speech / non-speech peer for the speech class.

silero-vad (PyPI package ``silero-vad``, in the ``eval`` extra) ships its
model inside the package, so nothing is downloaded.  It gives a speech
probability per 32 ms frame (512 samples at 16 kHz); a window counts as
speech when its frames' mean probability reaches 0.5, the package's own
default threshold.
"""

from __future__ import annotations

import numpy as np

FRAME_SAMPLES = 512
THRESHOLD = 0.5


class SileroUnavailable(RuntimeError):
    """silero-vad is not installed (``pip install -e '.[eval]'``)."""


class SileroSpeechDetector:
    """Frame speech probabilities of a 16 kHz recording, then per-window decisions.

    Not thread-safe (the model keeps its recurrent state between frames).
    """

    def __init__(self) -> None:
        try:
            from silero_vad import load_silero_vad
        except ImportError as exc:
            raise SileroUnavailable("silero-vad is not installed; install the eval extra: "
                                    "pip install -e '.[eval]'") from exc
        self._model = load_silero_vad()

    def frame_probabilities(self, audio: np.ndarray, sample_rate: int = 16000) -> np.ndarray:
        """Speech probability of each 512-sample frame of ``audio``."""
        import torch

        self._model.reset_states()
        with torch.inference_mode():
            probs = self._model.audio_forward(torch.from_numpy(np.ascontiguousarray(audio)),
                                              sample_rate)
        return probs[0].numpy()

    @staticmethod
    def window_is_speech(frame_probs: np.ndarray, starts: np.ndarray, length: int) -> np.ndarray:
        """Speech decision for windows ``[start, start + length)`` (sample indices)."""
        out = np.zeros(len(starts), dtype=bool)
        for i, start in enumerate(starts):
            first = int(start) // FRAME_SAMPLES
            last = max(first + 1, (int(start) + length) // FRAME_SAMPLES)
            out[i] = float(np.mean(frame_probs[first:last])) >= THRESHOLD
        return out

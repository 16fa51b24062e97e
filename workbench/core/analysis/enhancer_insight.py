"""What the speech enhancer computes inside, for looking at it: its mask and its GRU state.

`EnhancerInsight` holds, for one channel of a reviewed span, the gain the network
predicted for every STFT bin of every frame (0..1, before any attenuation limit)
and the state of its top GRU layer at each frame (the vector the mask layer
reads), with the time of the first frame and the time per frame.  It answers what
the views ask: the mask on the spectrogram's rows (`mask_rows`), and the gain at
a time and frequency (`gain_at`), for hovering.
Pure numpy; computed by `workbench.ml.enhancer.inspection`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from workbench.core.analysis.spectrogram import SpectrogramSettings, row_to_frequency

GAIN_FLOOR_DB = -120.0  # a gain of 0 is shown as this many dB


@dataclass(frozen=True, eq=False)
class EnhancerInsight:
    """`mask` (frames, bins) in 0..1 and `hidden` (frames, units) from `start` seconds,
    `seconds_per_frame` apart; column t covers [start + t * spf, start + (t + 1) * spf).
    Bin k is k * model_rate / n_fft Hz."""

    mask: np.ndarray
    hidden: np.ndarray
    seconds_per_frame: float
    model_rate: int
    n_fft: int
    start: float = 0.0
    model: str = ""
    channel: int = 0

    @property
    def frames(self) -> int:
        return int(self.mask.shape[0])

    @property
    def units(self) -> int:
        return int(self.hidden.shape[1])

    @property
    def nyquist(self) -> float:
        return self.model_rate / 2.0

    def frame_at(self, time_s: float) -> int | None:
        """The frame whose column covers `time_s`, or None outside."""
        index = math.floor((time_s - self.start) / self.seconds_per_frame)
        return index if 0 <= index < self.frames else None

    def bin_of(self, hz: float) -> int | None:
        """The STFT bin nearest `hz`, or None above the model's Nyquist frequency."""
        if not 0.0 <= hz <= self.nyquist:
            return None
        return min(self.mask.shape[1] - 1, round(hz * self.n_fft / self.model_rate))

    def gain_at(self, time_s: float, hz: float) -> float | None:
        """The predicted gain (0..1) at `time_s` and `hz`; None off the mask."""
        frame, index = self.frame_at(time_s), self.bin_of(hz)
        if frame is None or index is None:
            return None
        return float(self.mask[frame, index])

    def state_at(self, time_s: float, unit: int) -> float | None:
        """The GRU state of `unit` at `time_s`; None off the heatmap."""
        frame = self.frame_at(time_s)
        if frame is None or not 0 <= unit < self.units:
            return None
        return float(self.hidden[frame, unit])

    def mask_rows(self, settings: SpectrogramSettings, sample_rate: float) -> np.ndarray:
        """The mask on the spectrogram's row grid (frames, rows'), uint8 (255 = gain 1).

        Row r shows the bin nearest the frequency at the row's centre in the
        document's spectrogram (`settings`, `sample_rate`), so the image lines up
        with it on every frequency scale.  Only the rows below the model's
        Nyquist frequency are returned (rows' of `settings.rows`): the model
        knows nothing above it.
        """
        hz = np.atleast_1d(row_to_frequency(np.arange(settings.rows) + 0.5, settings,
                                            sample_rate))
        kept = int(np.searchsorted(hz, self.nyquist, side="right"))
        bins = np.minimum(np.round(hz[:kept] * self.n_fft / self.model_rate).astype(int),
                          self.mask.shape[1] - 1)
        return np.round(self.mask[:, bins].astype(np.float32) * 255).astype(np.uint8)


def gain_text(gain: float) -> str:
    """A gain for people: "0.32 (-9.9 dB)"."""
    db = 20.0 * math.log10(gain) if gain > 0 else GAIN_FLOOR_DB
    return f"{gain:.2f} ({max(db, GAIN_FLOOR_DB):+.1f} dB)"

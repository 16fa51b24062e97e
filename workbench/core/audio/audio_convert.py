"""Converting samples between what a document holds and what a device takes.

Three conversions, all plain numpy and cheap enough to run per audio period:

- sample formats: device bytes (uint8/int16/int32/float32) <-> float32 frames;
- channel counts: up-mix by copying, down-mix by averaging;
- sample rates: `RateConverter`, a windowed-sinc interpolator with random
  access.  It computes any run of output frames from the input frames around
  them, so a player can seek, loop or restart anywhere without carrying filter
  state from one chunk to the next.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import Enum

import numpy as np


class SampleFormat(Enum):
    """How one sample is stored: little-endian, interleaved frames."""

    UINT8 = "uint8"
    INT16 = "int16"
    INT32 = "int32"
    FLOAT32 = "float32"

    @property
    def dtype(self) -> np.dtype:
        return np.dtype(_DTYPES[self])

    @property
    def bytes_per_sample(self) -> int:
        return self.dtype.itemsize

    @property
    def is_float(self) -> bool:
        return self is SampleFormat.FLOAT32


_DTYPES = {
    SampleFormat.UINT8: "u1",
    SampleFormat.INT16: "<i2",
    SampleFormat.INT32: "<i4",
    SampleFormat.FLOAT32: "<f4",
}
# Full-scale value of each integer format, so that int16 32767 reads as ~1.0.
_INT_SCALE = {SampleFormat.INT16: 32768.0, SampleFormat.INT32: 2147483648.0}


def decode(raw: bytes | memoryview | np.ndarray, fmt: SampleFormat, channels: int) -> np.ndarray:
    """Interleaved device samples -> float32 frames x channels in [-1, 1].

    A trailing partial frame (which a device never sends) is ignored.
    """
    samples = raw if isinstance(raw, np.ndarray) else np.frombuffer(raw, dtype=fmt.dtype)
    frames = samples.size // channels
    samples = samples[: frames * channels].reshape(frames, channels)
    if fmt is SampleFormat.FLOAT32:
        return samples.astype(np.float32, copy=True)
    if fmt is SampleFormat.UINT8:
        return (samples.astype(np.float32) - 128.0) * np.float32(1 / 128)
    return samples.astype(np.float32) * np.float32(1 / _INT_SCALE[fmt])


def encode(samples: np.ndarray, fmt: SampleFormat) -> np.ndarray:
    """float32 frames -> an array in `fmt` (clipped to full scale for integer formats)."""
    x = np.asarray(samples, dtype=np.float32)
    if fmt is SampleFormat.FLOAT32:
        return np.ascontiguousarray(x)
    if fmt is SampleFormat.UINT8:
        return (np.clip(x, -1.0, 127 / 128) * 128.0 + 128.0).round().astype(np.uint8)
    scale = _INT_SCALE[fmt]
    # Clip in float64 so that int32's full scale (2**31 - 1) is representable.
    clipped = np.clip(x.astype(np.float64) * scale, -scale, scale - 1)
    return clipped.round().astype(fmt.dtype)


def mix_channels(samples: np.ndarray, out_channels: int) -> np.ndarray:
    """Frames x N -> frames x `out_channels`.

    Mono goes to every output channel; many channels fold to mono by their
    mean; otherwise output channel j gets the mean of input channels i with
    i % out_channels == j (so stereo -> 4 channels repeats L R L R and
    6 -> 2 averages the odd and even channels).
    """
    x = np.asarray(samples, dtype=np.float32)
    n = x.shape[1]
    if n == out_channels:
        return x
    if n == 1:
        return np.repeat(x, out_channels, axis=1)
    if out_channels > n:
        return x[:, np.arange(out_channels) % n]
    out = np.zeros((x.shape[0], out_channels), dtype=np.float32)
    counts = np.zeros(out_channels, dtype=np.float32)
    for i in range(n):
        out[:, i % out_channels] += x[:, i]
        counts[i % out_channels] += 1
    return out / counts


ReadFrames = Callable[[int, int], np.ndarray]
"""read(start, stop) -> float32 frames x channels; frames outside the source read as 0."""


class RateConverter:
    """Random-access sample-rate conversion by windowed-sinc interpolation.

    Output frame k sits at input position k * in_rate / out_rate.  Each output
    frame is a weighted sum of the `2 * half_width` input frames around that
    position (a Kaiser-windowed sinc whose cutoff is lowered when converting
    down, so that nothing above the new Nyquist frequency aliases back).
    Stateless: `convert` may be called for any output range in any order.
    """

    def __init__(self, in_rate: int, out_rate: int, half_width: int = 16,
                 kaiser_beta: float = 8.0) -> None:
        if in_rate <= 0 or out_rate <= 0:
            raise ValueError("sample rates must be positive")
        g = math.gcd(in_rate, out_rate)
        self.in_rate, self.out_rate = in_rate, out_rate
        self._num, self._den = in_rate // g, out_rate // g  # input step per output frame
        cutoff = min(1.0, out_rate / in_rate)
        # A lower cutoff needs a proportionally longer filter for the same steepness.
        self._half = int(math.ceil(half_width / cutoff))
        self._taps = np.arange(-self._half + 1, self._half + 1)
        # One row of weights per fractional position ("phase").  Rational rates
        # have exactly `den` phases; very odd ratios are quantised to 4096.
        self._phases = min(self._den, _MAX_PHASES)
        frac = np.arange(self._phases) / self._phases
        t = self._taps[None, :] - frac[:, None]  # distance of each tap from the position
        weights = cutoff * np.sinc(cutoff * t) * _kaiser(t / self._half, kaiser_beta)
        weights /= weights.sum(axis=1, keepdims=True)  # unity gain at DC for every phase
        self._table = weights.astype(np.float32)

    @property
    def is_identity(self) -> bool:
        return self.in_rate == self.out_rate

    def input_position(self, out_frame: int) -> float:
        return out_frame * self._num / self._den

    def output_frames_for(self, in_frames: int) -> int:
        """How many output frames cover `in_frames` input frames (rounded up)."""
        return -(-in_frames * self._den // self._num)

    def output_frames_ready(self, in_frames: int) -> int:
        """How many output frames depend only on input frames [0, in_frames) (streaming:
        what can be converted before more input arrives)."""
        if self.is_identity:
            return in_frames
        last = in_frames - self._half - 1  # the last input frame a centre may sit on
        return 0 if last < 0 else -(-(last + 1) * self._den // self._num)

    def convert(self, read: ReadFrames, out_start: int, out_stop: int) -> np.ndarray:
        """Output frames [out_start, out_stop) computed from `read`."""
        if self.is_identity or out_stop <= out_start:
            return read(out_start, max(out_start, out_stop))
        k = np.arange(out_start, out_stop, dtype=np.int64)
        # Exact integer arithmetic: no drift over hours of audio.
        base = (k * self._num) // self._den
        phase = (k * self._num) % self._den
        if self._phases != self._den:
            phase = (phase * self._phases) // self._den
        first = int(base[0]) - self._half + 1
        window = read(first, int(base[-1]) + self._half + 1)  # frames x channels
        offsets = (base - first)[:, None] + self._taps[None, :]  # rows of indices into window
        return np.einsum("kt,ktc->kc", self._table[phase], window[offsets])


_MAX_PHASES = 4096


def _kaiser(x: np.ndarray, beta: float) -> np.ndarray:
    """Kaiser window evaluated at x in [-1, 1] (zero outside)."""
    inside = np.clip(1.0 - x * x, 0.0, None)
    return np.i0(beta * np.sqrt(inside)) / np.i0(beta)

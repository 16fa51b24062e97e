"""The QIODevice a QAudioSink pulls playback samples from.

The sink calls `readData` on the thread it lives in (the GUI thread), so each
call must be cheap: it renders at most `MAX_CHUNK_FRAMES` frames by reading
the document's immutable BlockSequences, mixing tracks to the device's
channel count, resampling when the device runs at another rate, and encoding
to the device's sample format.  Nothing is rendered ahead beyond what the
sink asks for, so a changed document is heard within one sink buffer.

Playback runs in segments: a segment starts at a source frame and maps each
device frame after it to a source frame.  Looping starts a new segment at the
loop start; the segment history turns "device frames played" (from the sink)
into the source frame under the playhead.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QIODevice, QObject
from PySide6.QtMultimedia import QAudioFormat

from workbench.core.audio.audio_convert import RateConverter, encode, mix_channels
from workbench.core.audio.blocks import BlockSequence
from workbench.runtime.audio_devices import core_sample_format

MAX_CHUNK_FRAMES = 4096
CROSSFADE_S = 0.01  # a source swap under the playhead fades over this, so it never clicks
_KEPT_SEGMENTS = 64  # enough history to map every frame still in the sink's buffer


class PlaybackFeeder(QIODevice):
    """Renders [start, stop) of some tracks in the sink's format.

    With `loop`, reaching `stop` continues at `loop_start` (default: `start`;
    a resumed loop starts mid-range but loops over the whole range).

    Owned by the Player; lives on and is used from the GUI thread only.
    """

    def __init__(self, fmt: QAudioFormat, source_rate: int, tracks: Sequence[BlockSequence],
                 start: int, stop: int, loop: bool = False, loop_start: int | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._channels = fmt.channelCount()
        self._sample_format = core_sample_format(fmt)
        self._bytes_per_frame = fmt.bytesPerFrame()
        self._converter = RateConverter(source_rate, fmt.sampleRate())
        self._tracks = tuple(tracks)
        self._fade_frames = max(1, round(CROSSFADE_S * source_rate))
        self._fade_from: tuple[BlockSequence, ...] | None = None  # tracks faded out of
        self._fade_start: int | None = None  # source frame where that fade began
        self._start, self._stop = start, max(start, stop)
        self._loop_start = start if loop_start is None else loop_start
        self.loop = loop
        self._rendered = 0  # device frames handed to the sink
        self._segments: deque[tuple[int, int]] = deque(maxlen=_KEPT_SEGMENTS)
        self._begin_segment(start)
        self._finished = False

    # -- what the player asks ------------------------------------------------
    @property
    def range(self) -> tuple[int, int]:
        return self._start, self._stop

    @property
    def rendered_frames(self) -> int:
        return self._rendered

    @property
    def finished(self) -> bool:
        """True once the end of a non-looping range has been handed to the sink."""
        return self._finished

    def set_tracks(self, tracks: Sequence[BlockSequence]) -> None:
        """Play newer snapshots from the next chunk on, at the same source frame.

        The next rendered frames crossfade from the old tracks to the new ones
        over CROSSFADE_S (an A/B switch between takes of the same audio, or an
        edit under the playhead, is heard without a click).
        """
        if self._fade_from is None:
            self._fade_from, self._fade_start = self._tracks, None
        self._tracks = tuple(tracks)

    def source_frame_at(self, device_frame: int) -> int:
        """The source frame that device frame `device_frame` (counted from start) played."""
        for dev0, src0 in reversed(self._segments):
            if device_frame >= dev0:
                offset = int(self._converter.input_position(device_frame - dev0))
                return min(src0 + offset, self._stop)
        return self._segments[0][1] if self._segments else self._start

    # -- QIODevice ------------------------------------------------------------
    def isSequential(self) -> bool:  # noqa: N802 (Qt override)
        return True

    def bytesAvailable(self) -> int:  # noqa: N802 (Qt override)
        # Qt's sink only reads while this is non-zero; it must not be exact.
        if self._finished:
            return super().bytesAvailable()
        return MAX_CHUNK_FRAMES * self._bytes_per_frame + super().bytesAvailable()

    def atEnd(self) -> bool:  # noqa: N802 (Qt override)
        return self._finished

    def readData(self, maxlen: int) -> bytes:  # noqa: N802 (Qt override)
        want = min(maxlen // self._bytes_per_frame, MAX_CHUNK_FRAMES)
        parts = []
        while want > 0 and not self._finished:
            frames = self._render(want)
            if frames is None:
                continue  # a segment ended; _render began the next one or finished
            parts.append(frames)
            want -= len(frames)
        if not parts:
            return b""
        out = np.concatenate(parts) if len(parts) > 1 else parts[0]
        return encode(out, self._sample_format).tobytes()

    def writeData(self, data: bytes) -> int:  # noqa: N802 (Qt override)
        return -1

    # -- rendering -------------------------------------------------------------
    def _begin_segment(self, source_frame: int) -> None:
        self._segments.append((self._rendered, source_frame))
        self._seg_pos = 0  # device frames rendered in this segment
        self._seg_len = self._converter.output_frames_for(self._stop - source_frame)

    def _render(self, want: int) -> np.ndarray | None:
        left = self._seg_len - self._seg_pos
        if left <= 0:
            if self.loop and self._stop > self._loop_start:
                self._begin_segment(self._loop_start)
            else:
                self._finished = True
            return None
        n = min(want, left)
        src0 = self._segments[-1][1]
        read = lambda a, b: self._mix(src0 + a, src0 + b)  # noqa: E731
        out = self._converter.convert(read, self._seg_pos, self._seg_pos + n)
        self._seg_pos += n
        self._rendered += n  # counted here so that a loop starting mid-call maps right
        return out

    def _mix(self, start: int, stop: int) -> np.ndarray:
        new = self._mix_tracks(self._tracks, start, stop)
        if self._fade_from is None:
            return new
        if self._fade_start is None or start < self._fade_start:
            self._fade_start = start  # first read after the swap (or a loop back)
        weight = np.clip((np.arange(start, stop) - self._fade_start + 1) / self._fade_frames,
                         0.0, 1.0).astype(np.float32)[:, None]
        old = self._mix_tracks(self._fade_from, start, stop)
        if stop >= self._fade_start + self._fade_frames:
            self._fade_from = None
        return old + weight * (new - old)

    def _mix_tracks(self, tracks, start: int, stop: int) -> np.ndarray:
        """Source frames [start, stop) of all tracks mixed to the device's channels.

        Frames outside [0, track length) and beyond the range end read as silence,
        so a selection's end is a clean stop even for the resampler's filter.
        """
        out = np.zeros((stop - start, self._channels), dtype=np.float32)
        for track in tracks:
            lo, hi = max(start, 0), min(stop, track.frames, self._stop)
            if hi > lo:
                out[lo - start:hi - start] += mix_channels(track.read(lo, hi), self._channels)
        return out

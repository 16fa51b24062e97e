"""A WAV writer for recordings that must survive the process being killed.

`WavWriter` appends samples to a file whose header is rewritten after every
`flush()` and then fsync'ed, so at any moment the file on disk is a valid WAV
holding everything flushed so far.  A killed recorder loses only what it had
not flushed yet (and `repair_wav_sizes` even recovers that, when the bytes
reached the file).

Layout (EBU Tech 3306 style): `RIFF/WAVE`, a 28-byte `JUNK` chunk kept free for
a `ds64` chunk, `fmt `, `data`.  When the file would outgrow the 32-bit RIFF
size fields the header turns into RF64 in place: `RIFF` -> `RF64`, `JUNK` ->
`ds64` with 64-bit sizes, and the 32-bit fields read 0xFFFFFFFF.  No sample
ever moves.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np

from workbench.core.audio.audio_convert import SampleFormat, encode
from workbench.core.audio.riff import WAVE_FORMAT_IEEE_FLOAT, WAVE_FORMAT_PCM, read_wav_layout

RIFF_LIMIT = 0xFFFFFFFF  # largest file a plain RIFF header can describe
_UNSET = 0xFFFFFFFF
_DS64_BODY = 28  # riff size, data size, sample count (3 x 8) + table length (4)
_FMT_OFFSET = 12 + 8 + _DS64_BODY
_SILENCE_CHUNK_FRAMES = 1 << 16
_os_write = os.write  # the one system call that fills the disk (tests fail it on purpose)


class WavWriter:
    """Writes one WAV file incrementally; the header is valid after every flush.

    Not thread-safe: exactly one thread (the recorder's writer thread) uses an
    instance.  `rf64_threshold` is the file size in bytes above which the
    header switches to RF64 (lower it in tests to exercise RF64 on small files).
    If a write fails (disk full), the file is cut back to whole frames, its
    header is made to describe them, and the OSError propagates.
    """

    def __init__(self, path: str | os.PathLike, sample_rate: int, channels: int,
                 sample_format: SampleFormat = SampleFormat.FLOAT32,
                 rf64_threshold: int = RIFF_LIMIT) -> None:
        if sample_rate <= 0 or channels <= 0:
            raise ValueError("sample rate and channel count must be positive")
        self.path = Path(path)
        self.sample_rate = sample_rate
        self.channels = channels
        self.sample_format = sample_format
        self.bytes_per_frame = channels * sample_format.bytes_per_sample
        self.rf64_threshold = rf64_threshold
        self._fmt = _fmt_body(sample_rate, channels, sample_format)
        self.data_offset = _FMT_OFFSET + 8 + len(self._fmt) + 8
        self._data_bytes = 0
        self._flushed_bytes = 0
        self._rf64 = False
        self._fd: int | None = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            # Written in sequence so that the file offset ends where samples go.
            head = _riff_and_ds64(self.data_offset, 0, 0, rf64=False)
            _write_all(self._fd, head + self._fmt_and_data_headers())
            self._sync()
        except BaseException:
            os.close(self._fd)
            self._fd = None
            raise

    # -- state -------------------------------------------------------------
    @property
    def frames(self) -> int:
        """Frames written so far (flushed or not)."""
        return self._data_bytes // self.bytes_per_frame

    @property
    def flushed_frames(self) -> int:
        """Frames that the header on disk describes."""
        return self._flushed_bytes // self.bytes_per_frame

    @property
    def is_rf64(self) -> bool:
        return self._rf64

    @property
    def closed(self) -> bool:
        return self._fd is None

    # -- writing -----------------------------------------------------------
    def write(self, frames: np.ndarray) -> None:
        """Append frames x channels; float input is converted to the file's format."""
        arr = np.asarray(frames)
        if arr.ndim == 1 and self.channels == 1:
            arr = arr[:, None]
        if arr.ndim != 2 or arr.shape[1] != self.channels:
            raise ValueError(f"expected frames x {self.channels} channels, got {arr.shape}")
        if arr.dtype != self.sample_format.dtype:
            if arr.dtype.kind != "f":
                raise TypeError(f"cannot write {arr.dtype} samples to a "
                                f"{self.sample_format.value} file")
            arr = encode(arr, self.sample_format)
        self._append(memoryview(np.ascontiguousarray(arr)).cast("B"))

    def write_silence(self, count: int) -> None:
        """Append `count` frames of digital silence (used where input was lost)."""
        zero = 128 if self.sample_format is SampleFormat.UINT8 else 0
        chunk = bytes([zero]) * (min(count, _SILENCE_CHUNK_FRAMES) * self.bytes_per_frame)
        left = count
        while left > 0:
            n = min(left, _SILENCE_CHUNK_FRAMES)
            self._append(memoryview(chunk)[: n * self.bytes_per_frame])
            left -= n

    def flush(self) -> None:
        """Make everything written so far durable: rewrite the sizes, fsync."""
        self._require_open()
        self._write_header()
        self._sync()
        self._flushed_bytes = self._data_bytes

    def close(self) -> None:
        """Flush, add the pad byte an odd-sized data chunk needs, and close."""
        if self._fd is None:
            return
        try:
            if self._data_bytes & 1:
                _write_all(self._fd, b"\0")
            self.flush()
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> WavWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ---------------------------------------------------------
    def _require_open(self) -> None:
        if self._fd is None:
            raise ValueError("the WAV writer is closed")

    def _append(self, data: memoryview) -> None:
        self._require_open()
        written = 0
        try:
            written = _write_all(self._fd, data)
        except OSError as exc:
            written = getattr(exc, "bytes_written", 0)
            self._data_bytes += written
            self._salvage()
            raise
        self._data_bytes += written

    def _salvage(self) -> None:
        """After a failed write: keep whole frames only and describe them in the header."""
        whole = self._data_bytes - self._data_bytes % self.bytes_per_frame
        self._data_bytes = whole
        try:
            os.ftruncate(self._fd, self.data_offset + whole)
            self.flush()
        except OSError:
            pass  # the original error is what the caller needs to see

    def _write_header(self) -> None:
        file_size = self.data_offset + self._data_bytes + (self._data_bytes & 1)
        self._rf64 = self._rf64 or file_size > self.rf64_threshold
        head = _riff_and_ds64(file_size, self._data_bytes, self.frames, self._rf64)
        os.pwrite(self._fd, head, 0)
        size_field = _UNSET if self._rf64 else self._data_bytes
        os.pwrite(self._fd, struct.pack("<I", size_field), self.data_offset - 4)

    def _fmt_and_data_headers(self) -> bytes:
        return (b"fmt " + struct.pack("<I", len(self._fmt)) + self._fmt
                + b"data" + struct.pack("<I", 0))

    def _sync(self) -> None:
        os.fsync(self._fd)


def repair_wav_sizes(path: str | os.PathLike, rf64_threshold: int = RIFF_LIMIT) -> int:
    """Make the header of a file written by WavWriter describe every whole frame in it.

    Used on takes whose recorder was killed: the samples after the last flush
    reached the file but the header does not count them yet.  A trailing partial
    frame is cut off.  Returns the number of frames the file now holds.
    """
    layout = read_wav_layout(path)
    align = layout.format.block_align
    file_bytes = os.path.getsize(path) - layout.data_offset
    data_bytes = max(0, file_bytes - file_bytes % align)
    frames = data_bytes // align
    fd = os.open(path, os.O_RDWR)
    try:
        os.ftruncate(fd, layout.data_offset + data_bytes)
        file_size = layout.data_offset + data_bytes
        rf64 = layout.container == "RF64" or file_size > rf64_threshold
        if layout.data_offset != _FMT_OFFSET + 8 + _fmt_size(fd) + 8:
            raise ValueError(f"{path} was not written by WavWriter; not repairing it")
        os.pwrite(fd, _riff_and_ds64(file_size, data_bytes, frames, rf64), 0)
        os.pwrite(fd, struct.pack("<I", _UNSET if rf64 else data_bytes), layout.data_offset - 4)
        os.fsync(fd)
    finally:
        os.close(fd)
    return frames


def _fmt_size(fd: int) -> int:
    head = os.pread(fd, 8, _FMT_OFFSET)
    if head[:4] != b"fmt ":
        return -1
    return struct.unpack("<I", head[4:])[0]


def _riff_and_ds64(file_size: int, data_bytes: int, frames: int, rf64: bool) -> bytes:
    """The first 48 bytes: RIFF/RF64 header and the JUNK chunk or its ds64 replacement."""
    if rf64:
        return (b"RF64" + struct.pack("<I", _UNSET) + b"WAVE"
                + b"ds64" + struct.pack("<IQQQI", _DS64_BODY, file_size - 8, data_bytes,
                                        frames, 0))
    return (b"RIFF" + struct.pack("<I", file_size - 8) + b"WAVE"
            + b"JUNK" + struct.pack("<I", _DS64_BODY) + bytes(_DS64_BODY))


def _fmt_body(sample_rate: int, channels: int, fmt: SampleFormat) -> bytes:
    bits = 8 * fmt.bytes_per_sample
    align = channels * fmt.bytes_per_sample
    tag = WAVE_FORMAT_IEEE_FLOAT if fmt.is_float else WAVE_FORMAT_PCM
    body = struct.pack("<HHIIHH", tag, channels, sample_rate, sample_rate * align, align, bits)
    # Non-PCM formats carry a cbSize field (0: no extra format bytes).
    return body + struct.pack("<H", 0) if fmt.is_float else body


def _write_all(fd: int, data: bytes | memoryview) -> int:
    """os.write until everything is written; on failure the error carries `bytes_written`."""
    view = memoryview(data)
    written = 0
    while written < len(view):
        try:
            written += _os_write(fd, view[written:])
        except OSError as exc:
            exc.bytes_written = written
            raise
    return written

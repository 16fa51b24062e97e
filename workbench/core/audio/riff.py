"""Reading the chunk layout of RIFF/RF64 WAVE files without touching the samples.

libsndfile tells us what a WAV file holds but not where its samples start.
To memory-map the samples we walk the chunks ourselves: `read_wav_layout`
seeks from chunk header to chunk header, reads only the `fmt ` and `ds64`
bodies, and returns where the `data` chunk begins and how many of its bytes
really exist.  It never reads sample data, so it costs the same for a
one-second file and a ten-hour one.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

WAVE_FORMAT_PCM = 0x0001
WAVE_FORMAT_IEEE_FLOAT = 0x0003
WAVE_FORMAT_EXTENSIBLE = 0xFFFE

# Names of format tags users meet in the wild, to explain why a file will not open.
FORMAT_TAG_NAMES = {
    0x0001: "PCM",
    0x0002: "Microsoft ADPCM",
    0x0003: "IEEE float",
    0x0006: "A-law",
    0x0007: "mu-law",
    0x0011: "IMA ADPCM",
    0x0031: "GSM 6.10",
    0x0050: "MPEG audio",
    0x0055: "MPEG Layer 3 (MP3)",
    0x0092: "Dolby AC-3 over S/PDIF",
    0x00FF: "AAC",
    0x0161: "Windows Media Audio",
    0x0162: "Windows Media Audio Pro",
    0x1610: "AAC (HE-AAC)",
    0x2000: "Dolby AC-3",
    0x2001: "DTS",
    0xF1AC: "FLAC",
    0xFFFE: "WAVE_FORMAT_EXTENSIBLE",
}

# The 14 bytes that follow the format tag in every standard KSDATAFORMAT_SUBTYPE GUID.
_STANDARD_GUID_TAIL = bytes.fromhex("000000001000800000aa00389b71")
_RF64_UNSET = 0xFFFFFFFF
_MAX_CHUNKS = 100_000  # a header with more chunks than this is garbage, not audio
_MAX_SANE_FMT_BYTES = 1024


class RiffError(ValueError):
    """The file is not a RIFF/RF64 WAVE file, or its chunk structure is broken."""


@dataclass(frozen=True)
class WavFormat:
    """The fields of a `fmt ` chunk; `format_tag` is resolved through EXTENSIBLE."""

    format_tag: int
    channels: int
    sample_rate: int
    block_align: int
    bits_per_sample: int
    extensible: bool = False

    @property
    def tag_name(self) -> str:
        name = FORMAT_TAG_NAMES.get(self.format_tag, "unknown codec")
        return f"format tag 0x{self.format_tag:04X}, {name}"


@dataclass(frozen=True)
class WavLayout:
    """Where a WAVE file keeps its samples.

    `declared_data_bytes` is what the header claims; `available_data_bytes` is
    what the file really holds after `data_offset` (less when it was cut off).
    """

    container: str  # "RIFF" or "RF64"
    format: WavFormat
    data_offset: int
    declared_data_bytes: int
    available_data_bytes: int

    @property
    def frames(self) -> int:
        """Whole frames that exist in the file (a trailing partial frame is dropped)."""
        if self.format.block_align <= 0:
            return 0
        return self.available_data_bytes // self.format.block_align

    @property
    def truncated(self) -> bool:
        return self.available_data_bytes < self.declared_data_bytes

    def mappable_dtype(self) -> np.dtype | None:
        """The little-endian numpy dtype of one sample if the data can be mapped as is.

        Only 16/32-bit integer PCM and 32/64-bit float qualify, and only when
        frames are tightly packed (block_align == channels * sample size).
        """
        fmt = self.format
        kinds = {
            (WAVE_FORMAT_PCM, 16): "<i2",
            (WAVE_FORMAT_PCM, 32): "<i4",
            (WAVE_FORMAT_IEEE_FLOAT, 32): "<f4",
            (WAVE_FORMAT_IEEE_FLOAT, 64): "<f8",
        }
        code = kinds.get((fmt.format_tag, fmt.bits_per_sample))
        if code is None or fmt.channels <= 0:
            return None
        dtype = np.dtype(code)
        if fmt.block_align != dtype.itemsize * fmt.channels:
            return None
        return dtype


def read_wav_layout(path: str | os.PathLike) -> WavLayout:
    """Parse the chunk headers of a RIFF or RF64 WAVE file at `path`.

    Raises RiffError when the file is not RIFF/RF64 WAVE or lacks a usable
    `fmt ` or `data` chunk, and OSError when it cannot be read.
    """
    path = Path(path)
    with open(path, "rb") as f:
        file_size = os.fstat(f.fileno()).st_size
        return _parse(f, file_size)


def _parse(f: BinaryIO, file_size: int) -> WavLayout:
    head = f.read(12)
    if len(head) < 12 or head[8:12] != b"WAVE" or head[:4] not in (b"RIFF", b"RF64"):
        raise RiffError("not a RIFF/RF64 WAVE file")
    container = head[:4].decode("ascii")
    ds64_data_size: int | None = None
    fmt: WavFormat | None = None
    data: tuple[int, int] | None = None  # (offset, declared size)
    pos = 12
    for _ in range(_MAX_CHUNKS):
        if pos + 8 > file_size or (fmt is not None and data is not None):
            break
        f.seek(pos)
        chunk_id, size = struct.unpack("<4sI", f.read(8))
        body = pos + 8
        if chunk_id == b"ds64":
            ds64_data_size = _read_ds64(f, size)
        elif chunk_id == b"fmt ":
            fmt = _read_fmt(f, size)
        elif chunk_id == b"data":
            if size == _RF64_UNSET and ds64_data_size is not None:
                size = ds64_data_size
            elif size == _RF64_UNSET:
                size = file_size - body  # a stream whose writer never set the size
            data = (body, size)
        pos = body + size + (size & 1)  # chunks are padded to an even length
    if fmt is None:
        raise RiffError("no 'fmt ' chunk")
    if data is None:
        raise RiffError("no 'data' chunk")
    offset, declared = data
    available = max(0, min(declared, file_size - offset))
    return WavLayout(container, fmt, offset, declared, available)


def _read_ds64(f: BinaryIO, size: int) -> int:
    if size < 24:
        raise RiffError("short 'ds64' chunk")
    _riff_size, data_size, _sample_count = struct.unpack("<QQQ", f.read(24))
    return data_size


def _read_fmt(f: BinaryIO, size: int) -> WavFormat:
    if size < 16:
        raise RiffError("short 'fmt ' chunk")
    body = f.read(min(size, 40))
    if len(body) < 16:
        raise RiffError("short 'fmt ' chunk")
    tag, channels, rate, _byte_rate, align, bits = struct.unpack("<HHIIHH", body[:16])
    extensible = tag == WAVE_FORMAT_EXTENSIBLE
    if extensible and len(body) >= 40:
        guid = body[24:40]
        sub_tag = struct.unpack("<H", guid[:2])[0]
        # Only the standard KSDATAFORMAT GUIDs carry a plain format tag.
        tag = sub_tag if guid[2:] == _STANDARD_GUID_TAIL else WAVE_FORMAT_EXTENSIBLE
    return WavFormat(tag, channels, rate, align, bits, extensible)


def explain_wav_header(path: str | os.PathLike) -> str | None:
    """A sentence on what is wrong with a WAV header, or None if nothing obvious.

    Used to add detail to libsndfile's sometimes cryptic refusals (it says
    "SF_INFO struct incomplete" for a sample rate of 0, and "Malformed 'fmt '
    chunk" for a codec it does not know).
    """
    try:
        fmt = _read_format_only(Path(path))
    except (OSError, RiffError, struct.error):
        return None
    if fmt is None:
        return None
    if fmt.sample_rate == 0:
        return "the header gives a sample rate of 0 Hz"
    if fmt.channels == 0:
        return "the header gives 0 channels"
    if fmt.format_tag not in (WAVE_FORMAT_PCM, WAVE_FORMAT_IEEE_FLOAT):
        return f"the audio is encoded with {fmt.tag_name}"
    return None


def _read_format_only(path: Path) -> WavFormat | None:
    """The `fmt ` chunk of a WAVE file that may lack a valid `data` chunk."""
    with open(path, "rb") as f:
        file_size = os.fstat(f.fileno()).st_size
        head = f.read(12)
        if len(head) < 12 or head[8:12] != b"WAVE" or head[:4] not in (b"RIFF", b"RF64"):
            return None
        pos = 12
        for _ in range(_MAX_CHUNKS):
            if pos + 8 > file_size:
                return None
            f.seek(pos)
            chunk_id, size = struct.unpack("<4sI", f.read(8))
            if chunk_id == b"fmt ":
                # A huge size means the "fmt " we found is junk, not a header to explain.
                return _read_fmt(f, size) if size <= _MAX_SANE_FMT_BYTES else None
            pos += 8 + size + (size & 1)
    return None

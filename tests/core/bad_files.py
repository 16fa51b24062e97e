"""A corpus of broken and odd audio files, written on demand into a folder.

Each case is a function `case(folder) -> (path, expected)`.  For a file that
must be refused, `expected` is a piece of the reason AudioFileError has to
give; for a valid-but-odd file it is None and `OPENS_AS[name]` says what
opening it must produce.  Headers are written by hand with struct, because
no well-behaved writer produces these files.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

Case = Callable[[Path], tuple[Path, str | None]]
CASES: dict[str, Case] = {}


@dataclass(frozen=True)
class OpensAs:
    """What a valid-but-odd file opens as.  `frames` may be a range when only bounds are known."""

    frames: int | range
    channels: int
    memory_mapped: bool  # samples read straight from the file, not through the decode cache
    warning: str | None = None  # regular expression one warning must match; None: no warnings


OPENS_AS: dict[str, OpensAs] = {}


def bad(func: Case) -> Case:
    CASES[func.__name__] = func
    return func


def odd(expect: OpensAs) -> Callable[[Case], Case]:
    def register(func: Case) -> Case:
        CASES[func.__name__] = func
        OPENS_AS[func.__name__] = expect
        return func
    return register


# -- hand-made headers ----------------------------------------------------------

def fmt_chunk(format_tag: int = 1, channels: int = 1, sample_rate: int = 8000,
              bits: int = 16, block_align: int | None = None, extra: bytes = b"") -> bytes:
    align = channels * bits // 8 if block_align is None else block_align
    body = struct.pack("<HHIIHH", format_tag, channels, sample_rate,
                       (sample_rate * align) & 0xFFFFFFFF, align & 0xFFFF, bits) + extra
    return b"fmt " + struct.pack("<I", len(body)) + body


def riff_wav(chunks: list[bytes]) -> bytes:
    """A RIFF WAVE file made of the given raw chunks (each with its 8-byte header)."""
    body = b"WAVE" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def data_chunk(data: bytes, declared: int | None = None) -> bytes:
    size = len(data) if declared is None else declared
    pad = b"\0" if len(data) % 2 else b""
    return b"data" + struct.pack("<I", size) + data + pad


def pcm16(frames: int, channels: int) -> bytes:
    """Distinct little-endian int16 samples, so that a shifted read would show."""
    values = (np.arange(frames * channels) % 2000 - 1000).astype("<i2")
    return values.tobytes()


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


# -- files that must be refused -------------------------------------------------

@bad
def zero_bytes(folder: Path):
    return _write(folder / "zero_bytes.wav", b""), "empty"


@bad
def text_named_wav(folder: Path):
    return _write(folder / "notes.wav", b"Shopping list:\n- milk\n- eggs\n" * 20), \
        "Format not recognised"


@bad
def riff_magic_then_junk(folder: Path):
    junk = np.random.default_rng(7).integers(0, 256, 300, dtype=np.uint8).tobytes()
    return _write(folder / "junk.wav", b"RIFF" + struct.pack("<I", 304) + b"WAVE" + junk), \
        "Error in WAV file"


@bad
def truncated_header(folder: Path):
    whole = riff_wav([fmt_chunk(), data_chunk(pcm16(100, 1))])
    return _write(folder / "cut_short.wav", whole[:30]), "No 'data' chunk"


@bad
def truncated_flac_header(folder: Path):
    path = folder / "cut_flac_header.flac"
    sf.write(path, np.zeros((1000, 1)), 8000, format="FLAC")
    return _write(path, path.read_bytes()[:20]), "unimplemented format"


@bad
def zero_channels(folder: Path):
    content = riff_wav([fmt_chunk(channels=0, block_align=2), data_chunk(b"\0" * 100)])
    return _write(folder / "no_channels.wav", content), "Channel count is zero"


@bad
def hundred_thousand_channels(folder: Path):
    # WAV stores the channel count in 16 bits; Sun .au stores it in 32.
    header = b".snd" + struct.pack(">IIIII", 24, 400, 3, 8000, 100_000)
    return _write(folder / "many_channels.au", header + b"\0" * 400), "Too many channels"


@bad
def sample_rate_zero(folder: Path):
    content = riff_wav([fmt_chunk(sample_rate=0), data_chunk(pcm16(100, 1))])
    return _write(folder / "no_rate.wav", content), "sample rate of 0 Hz"


@bad
def unsupported_codec(folder: Path):
    fmt = fmt_chunk(format_tag=0x0161, bits=16, extra=struct.pack("<H", 0))
    return _write(folder / "wma_inside.wav", riff_wav([fmt, data_chunk(b"\0" * 400)])), \
        "Windows Media Audio"


@bad
def mp3_inside_wav_with_junk(folder: Path):
    # libsndfile blames the file system here ("File does not exist or is not a
    # regular file"); the reason must still name the codec.
    extra = struct.pack("<HHIHHH", 12, 1, 2, 417, 1, 0)
    fmt = fmt_chunk(format_tag=0x0055, bits=0, block_align=1, extra=extra)
    return _write(folder / "mp3_inside.wav", riff_wav([fmt, data_chunk(b"\0" * 400)])), \
        "MPEG Layer 3"


@bad
def missing_file(folder: Path):
    return folder / "not_there.wav", "does not exist"


@bad
def a_folder(folder: Path):
    path = folder / "folder.wav"
    path.mkdir()
    return path, "folder"


@bad
def a_pipe(folder: Path):
    path = folder / "pipe.wav"
    os.mkfifo(path)
    return path, "not a regular file"


@bad
def unreadable(folder: Path):
    path = folder / "locked.wav"
    sf.write(path, np.zeros((100, 1)), 8000)
    path.chmod(0)
    try:
        with open(path, "rb"):
            pass
    except PermissionError:
        return path, "permission denied"
    pytest.skip("this process may read a file with mode 000 (it runs as root), "
                "so an unreadable file cannot be made")


# -- valid files that are odd -----------------------------------------------------

@odd(OpensAs(frames=100, channels=2, memory_mapped=True,
             warning=r"opened as WAV despite the \.flac extension"))
def wav_named_flac(folder: Path):
    path = folder / "really_a_wav.flac"
    sf.write(path, np.zeros((100, 2)), 8000, format="WAV", subtype="PCM_16")
    return path, None


@odd(OpensAs(frames=100, channels=1, memory_mapped=True,
             warning=r"claims 100000 bytes but only 200 .* the 100 frames that exist"))
def data_chunk_longer_than_file(folder: Path):
    content = riff_wav([fmt_chunk(), data_chunk(pcm16(100, 1), declared=100_000)])
    return _write(folder / "claims_too_much.wav", content), None


@odd(OpensAs(frames=0, channels=3, memory_mapped=True))
def zero_frames(folder: Path):
    path = folder / "empty_but_valid.wav"
    sf.write(path, np.zeros((0, 3)), 48000, subtype="PCM_16")
    return path, None


@odd(OpensAs(frames=100, channels=2, memory_mapped=True))
def trailing_half_frame(folder: Path):
    content = riff_wav([fmt_chunk(channels=2), data_chunk(pcm16(100, 2) + b"\1\0")])
    return _write(folder / "half_frame_at_end.wav", content), None


@odd(OpensAs(frames=100, channels=1, memory_mapped=True))
def odd_sized_chunks_before_data(folder: Path):
    note = b"LIST" + struct.pack("<I", 5) + b"INFOx\0"  # 5 bytes + pad byte
    junk = b"JUNK" + struct.pack("<I", 3) + b"abc\0"
    content = riff_wav([note, fmt_chunk(), junk, data_chunk(pcm16(100, 1))])
    return _write(folder / "padded_chunks.wav", content), None


@odd(OpensAs(frames=100, channels=1, memory_mapped=True))
def data_size_never_set(folder: Path):
    # Streaming recorders leave 0xFFFFFFFF when they cannot seek back.
    content = riff_wav([fmt_chunk(), data_chunk(pcm16(100, 1), declared=0xFFFFFFFF)])
    return _write(folder / "unfinished_stream.wav", content), None


@odd(OpensAs(frames=range(1, 48000), channels=2, memory_mapped=False,
             warning=r"decoding stopped|could be decoded"))
def truncated_flac(folder: Path):
    path = folder / "cut_in_half.flac"
    noise = np.random.default_rng(3).uniform(-0.5, 0.5, (48000, 2))
    sf.write(path, noise, 48000, format="FLAC")
    return _write(path, path.read_bytes()[: path.stat().st_size // 2]), None


@odd(OpensAs(frames=range(1, 48000), channels=2, memory_mapped=False,
             warning=r"header promises 48000 frames but only \d+ could be decoded"))
def truncated_mp3(folder: Path):
    path = folder / "cut_in_half.mp3"
    t = np.arange(48000) / 48000
    tones = np.stack([0.5 * np.sin(2 * np.pi * 440 * t), 0.5 * np.sin(2 * np.pi * 550 * t)], 1)
    sf.write(path, tones, 48000, format="MP3")
    return _write(path, path.read_bytes()[: path.stat().st_size // 2]), None


@odd(OpensAs(frames=64, channels=1, memory_mapped=True))
def float_with_nan_and_inf(folder: Path):
    path = folder / "nan_inf.wav"
    samples = np.linspace(-1, 1, 64, dtype=np.float32)
    samples[[5, 6, 7]] = [np.nan, np.inf, -np.inf]
    sf.write(path, samples, 8000, subtype="FLOAT")
    return path, None


def write_case(name: str, folder: Path) -> tuple[Path, str | None]:
    """Write case `name` into `folder` and return (path, expected reason or None)."""
    return CASES[name](folder)


@odd(OpensAs(frames=100, channels=1, memory_mapped=True,
             warning=r"claims 1,000,000,000 Hz, above any audio rate"))
def sample_rate_of_a_gigahertz(folder: Path):
    content = riff_wav([fmt_chunk(sample_rate=1_000_000_000), data_chunk(pcm16(100, 1))])
    return _write(folder / "gigahertz.wav", content), None


@odd(OpensAs(frames=2000, channels=1, memory_mapped=False,
             warning=r"claims 68,719,476,735 frames .* more than the file can hold"))
def flac_claiming_a_thousand_hours(folder: Path):
    path = folder / "claims_forever.flac"
    sf.write(path, np.zeros((2000, 1)), 16000, format="FLAC")
    content = bytearray(path.read_bytes())
    info = 8  # STREAMINFO follows "fLaC" and its 4-byte block header
    content[info + 13] |= 0x0F  # total samples: 36 bits, all set
    content[info + 14 : info + 18] = b"\xff\xff\xff\xff"
    return _write(path, bytes(content)), None


@odd(OpensAs(frames=range(1, 32000), channels=1, memory_mapped=False,
             warning=r"decoding stopped after \d+ of 32000 frames"))
def flac_damaged_in_the_middle(folder: Path):
    path = folder / "damaged_middle.flac"
    tone = 0.3 * np.sin(np.arange(32000) * 0.05)
    sf.write(path, tone, 16000, format="FLAC")
    content = bytearray(path.read_bytes())
    middle = len(content) // 2
    content[middle : middle + 200] = bytes(200)
    return _write(path, bytes(content)), None

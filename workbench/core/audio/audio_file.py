"""Opening audio files as sample sources that stay on disk.

Uncompressed little-endian WAV/RF64 files in 16/32-bit PCM or 32/64-bit
float are memory-mapped where they lie: opening a one-hour file reads only
its header.  Every other readable file (FLAC, Ogg Vorbis, MP3, AIFF, 8- and
24-bit WAV, ...) is decoded once, in chunks, into a float32 cache file under
`cache_dir()/decoded/`, which is then memory-mapped the same way and reused
as long as the original's path, size and modification time are unchanged.

Everything here is stateless and may run on any thread; `load_audio` is a
task in the sense of core/jobs.py (it yields Progress and checks `cancel`).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import struct
import tempfile
from collections.abc import Generator
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import soundfile as sf

from workbench.core import paths
from workbench.core.audio import decode_cache
from workbench.core.audio.riff import RiffError, WavLayout, explain_wav_header, read_wav_layout
from workbench.core.audio.sample_source import SampleSource
from workbench.core.jobs import CancelToken, Progress, run_to_completion
from workbench.core.settings import Settings

# Frames per libsndfile read while decoding.  Small on purpose: when a damaged
# FLAC stream makes a read fail, libsndfile returns nothing of that read, so a
# small chunk keeps almost everything that precedes the damage.
DECODE_CHUNK_FRAMES = 1 << 14
SCAN_CHUNK_FRAMES = 1 << 18
# Float samples are allowed past full scale (headroom), but not by 60 dB.
ABSURD_PEAK = 1000.0
# Rates above this are not audio (the fastest converters run at 768 kHz).
MAX_PLAUSIBLE_RATE = 768_000
# No codec stores more samples per byte than this (FLAC's constant subframes of
# digital silence come nearest, at a few thousand): a header claiming more lies.
MAX_SAMPLES_PER_BYTE = 100_000
_CACHE_MAGIC = b"WORKBENCH-DECODED-F32 v1\n"
_CACHE_HEADER_BYTES = 4096  # JSON metadata, padded; the float32 samples follow

# Subtypes that are mapped straight from a WAV file, with the dtype libsndfile
# reports for them and the factor that turns stored values into [-1, 1].
_MAPPED_SUBTYPES = {
    "PCM_16": ("<i2", 1.0 / 32768),
    "PCM_32": ("<i4", 1.0 / 2**31),
    "FLOAT": ("<f4", 1.0),
    "DOUBLE": ("<f8", 1.0),
}
_WAV_FORMATS = {"WAV", "WAVEX", "RF64"}
_FORMATS_BY_EXTENSION = {
    ".wav": _WAV_FORMATS, ".wave": _WAV_FORMATS, ".bwf": _WAV_FORMATS, ".rf64": _WAV_FORMATS,
    ".flac": {"FLAC"}, ".ogg": {"OGG"}, ".oga": {"OGG"}, ".opus": {"OGG"},
    ".mp3": {"MP3"}, ".aif": {"AIFF"}, ".aiff": {"AIFF"}, ".aifc": {"AIFF"},
    ".caf": {"CAF"}, ".au": {"AU"}, ".snd": {"AU"}, ".w64": {"W64"},
}


class AudioFileError(Exception):
    """A file could not be opened as audio; `reason` says why in plain words."""

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"Cannot open {paths.display_name(self.path.name)!r}: {reason}")


@dataclass(frozen=True)
class AudioFileInfo:
    """What a file holds, from its header (frames are corrected after decoding).

    `memory_mapped` is True when the samples are read straight from the file
    itself, False when they go through the float32 decode cache.
    """

    path: Path
    format: str
    subtype: str
    format_info: str
    sample_rate: int
    channels: int
    frames: int
    file_size: int
    memory_mapped: bool
    warnings: tuple[str, ...] = field(default=())

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate


@dataclass
class LoadedAudio:
    """An opened file: its description and its samples (read-only, on disk)."""

    info: AudioFileInfo
    source: SampleSource


def probe_audio(path: str | os.PathLike) -> AudioFileInfo:
    """Describe the audio file at `path` from its header, without reading samples.

    Raises AudioFileError naming the file and the reason it cannot be opened.
    """
    info, _layout = _probe(_readable_file(path))
    return info


def load_audio(path: str | os.PathLike, cancel: CancelToken | None = None,
               cache_limit_mb: int | None = None) -> Generator[Progress, None, LoadedAudio]:
    """Task that opens `path` as a memory-mapped SampleSource.

    WAV files in a mappable sample format return at once; other files are
    decoded into (or found in) the decode cache, yielding Progress per chunk.
    After a new decode the cache is pruned to `cache_limit_mb` (default: the
    `decode_cache_mb` setting), least recently used files first.
    Raises AudioFileError, or Cancelled when `cancel` is set while decoding.
    """
    cancel = cancel or CancelToken()
    path = _readable_file(path)
    info, layout = _probe(path)
    if layout is not None:
        return LoadedAudio(info, _map_wav_samples(path, info, layout))
    cache_file = _cache_file_for(path)
    meta = _read_cache_header(cache_file, info.channels)
    if meta is None:
        meta = yield from _decode_into_cache(path, info, cache_file, cancel)
        if cache_limit_mb is None:
            cache_limit_mb = Settings.load().decode_cache_mb
        decode_cache.prune(cache_file.parent, cache_limit_mb * 1024 * 1024, keep=cache_file)
    else:
        decode_cache.touch(cache_file)
    frames, decode_warnings = meta["frames"], tuple(meta["warnings"])
    info = replace(info, frames=frames, warnings=info.warnings + decode_warnings)
    yield Progress(1.0, f"Opened {path.name}")
    return LoadedAudio(info, _map_cache(cache_file, frames, info.channels))


def read_audio(path: str | os.PathLike) -> LoadedAudio:
    """Open `path` synchronously (command line, tests); see load_audio."""
    return run_to_completion(lambda cancel: load_audio(path, cancel))


def sample_warnings(source: SampleSource, cancel: CancelToken | None = None) -> list[str]:
    """What is wrong with the samples themselves: NaN/Inf, absurd float magnitudes.

    Integer samples cannot be either, so only float sources are scanned.
    """
    if not np.issubdtype(source.data.dtype, np.floating):
        return []
    nonfinite, peak = 0, 0.0
    for start in range(0, source.frames, SCAN_CHUNK_FRAMES):
        if cancel is not None:
            cancel.check()
        raw = source.read_raw(start, start + SCAN_CHUNK_FRAMES)
        finite = np.isfinite(raw)
        nonfinite += int(raw.size - np.count_nonzero(finite))
        if raw.size:
            peak = max(peak, float(np.abs(np.where(finite, raw, 0)).max()) * source.scale)
    warnings = []
    if nonfinite:
        warnings.append(f"{nonfinite:,} samples are NaN or infinite; they are read as silence")
    level = absurd_level_warning(peak)
    if level:
        warnings.append(level)
    return warnings


def absurd_level_warning(peak: float) -> str | None:
    """A warning when float samples reach a level no recording has, else None."""
    if peak <= ABSURD_PEAK:
        return None
    return (f"samples reach {peak:.3g} ({20 * np.log10(peak):+.0f} dBFS), far beyond any "
            f"real recording: the file is probably damaged or not audio")


def count_nonfinite(source: SampleSource, cancel: CancelToken | None = None) -> int:
    """How many samples of `source` are NaN or infinite, scanning in chunks."""
    if not np.issubdtype(source.data.dtype, np.floating):
        return 0
    total = 0
    for start in range(0, source.frames, SCAN_CHUNK_FRAMES):
        if cancel is not None:
            cancel.check()
        raw = source.read_raw(start, start + SCAN_CHUNK_FRAMES)
        total += int(raw.size - np.count_nonzero(np.isfinite(raw)))
    return total


# -- checks and header ------------------------------------------------------

def _readable_file(path: str | os.PathLike) -> Path:
    """`path` as a Path, after checking it is a non-empty file this process can read."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise AudioFileError(path, "the file does not exist") from None
    except OSError as exc:
        raise AudioFileError(path, exc.strerror or str(exc)) from exc
    if stat.S_ISDIR(st.st_mode):
        raise AudioFileError(path, "it is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise AudioFileError(path, "it is not a regular file (a device, pipe or socket)")
    try:  # the real check: os.access ignores ACLs and lies for root
        with open(path, "rb"):
            pass
    except PermissionError:
        raise AudioFileError(path, "permission denied (no read access)") from None
    except OSError as exc:
        raise AudioFileError(path, exc.strerror or str(exc)) from exc
    if st.st_size == 0:
        raise AudioFileError(path, "the file is empty (0 bytes)")
    return path


def _probe(path: Path) -> tuple[AudioFileInfo, WavLayout | None]:
    """The file's description, plus its WAV layout when its samples can be mapped."""
    try:
        snd = sf.info(os.fsencode(path))  # bytes: names need not be UTF-8
    except (sf.SoundFileError, RuntimeError) as exc:
        raise AudioFileError(path, _libsndfile_reason(exc, path)) from exc
    if snd.samplerate <= 0 or snd.channels <= 0:
        raise AudioFileError(
            path, f"the header gives {snd.channels} channels at {snd.samplerate} Hz")
    layout = _mappable_layout(path, snd)
    warnings = list(_extension_warnings(path, snd.format)) + _implausible_header(path, snd)
    if layout is not None and layout.truncated:
        warnings.append(
            f"the data chunk claims {layout.declared_data_bytes} bytes but only "
            f"{layout.available_data_bytes} are in the file; opened the "
            f"{layout.frames} frames that exist")
    info = AudioFileInfo(
        path=path, format=snd.format, subtype=snd.subtype,
        format_info=f"{snd.format_info} / {snd.subtype_info}",
        sample_rate=int(snd.samplerate), channels=int(snd.channels), frames=int(snd.frames),
        file_size=path.stat().st_size, memory_mapped=layout is not None,
        warnings=tuple(warnings))
    return info, layout


def _implausible_header(path: Path, snd) -> list[str]:
    """Warnings for header values that cannot be true of this file."""
    warnings = []
    if snd.samplerate > MAX_PLAUSIBLE_RATE:
        warnings.append(f"the header claims {snd.samplerate:,} Hz, above any audio rate "
                        f"(at most {MAX_PLAUSIBLE_RATE:,} Hz): the header is probably "
                        f"damaged, and the times shown assume that rate")
    size = path.stat().st_size
    if snd.frames * snd.channels > MAX_SAMPLES_PER_BYTE * size:
        hours = snd.frames / snd.samplerate / 3600
        warnings.append(f"the header claims {snd.frames:,} frames ({hours:,.1f} hours) in "
                        f"{size:,} bytes, more than the file can hold: the true length is "
                        f"known once it is decoded")
    return warnings


def _libsndfile_reason(exc: Exception, path: Path) -> str:
    """libsndfile's own words, plus what our header parser can add to them."""
    reason = getattr(exc, "error_string", None) or str(exc)
    detail = explain_wav_header(path)
    return f"{reason} ({detail})" if detail else reason


def _mappable_layout(path: Path, snd) -> WavLayout | None:
    """The WAV layout if the samples can be mapped as stored, else None (decode)."""
    if snd.format not in _WAV_FORMATS or snd.subtype not in _MAPPED_SUBTYPES:
        return None
    try:
        layout = read_wav_layout(path)
    except (RiffError, OSError, struct.error):
        return None
    dtype = layout.mappable_dtype()
    expected = np.dtype(_MAPPED_SUBTYPES[snd.subtype][0])
    # Whenever our reading and libsndfile's disagree, libsndfile decodes the file.
    if dtype != expected or layout.format.channels != snd.channels or layout.frames != snd.frames:
        return None
    return layout


def _extension_warnings(path: Path, detected: str) -> list[str]:
    ext = path.suffix.lower()
    expected = _FORMATS_BY_EXTENSION.get(ext)
    if expected is None or detected in expected:
        return []
    return [f"opened as {detected} despite the {ext} extension"]


def _map_wav_samples(path: Path, info: AudioFileInfo, layout: WavLayout) -> SampleSource:
    dtype_code, scale = _MAPPED_SUBTYPES[info.subtype]
    if layout.frames == 0:  # mmap cannot map zero bytes
        return SampleSource(np.zeros((0, info.channels), dtype=dtype_code), scale)
    data = np.memmap(path, dtype=dtype_code, mode="r", offset=layout.data_offset,
                     shape=(layout.frames, info.channels))
    return SampleSource(data, scale)


# -- decode cache -------------------------------------------------------------

def _cache_file_for(path: Path) -> Path:
    """Cache file name keyed by what identifies this version of the file."""
    st = path.stat()
    key = os.fsencode(path.resolve()) + f"\0{st.st_size}\0{st.st_mtime_ns}".encode()
    name = hashlib.sha256(key).hexdigest()[:40] + decode_cache.SUFFIX
    return paths.cache_dir() / "decoded" / name


def _read_cache_header(cache_file: Path, channels: int) -> dict | None:
    """The metadata of a complete, consistent cache file, or None to decode again."""
    try:
        with open(cache_file, "rb") as f:
            header = f.read(_CACHE_HEADER_BYTES)
            size = os.fstat(f.fileno()).st_size
    except OSError:
        return None
    if not header.startswith(_CACHE_MAGIC):
        return None
    try:
        meta = json.loads(header[len(_CACHE_MAGIC):].rstrip(b" "))
        frames = int(meta["frames"])
        ok = (meta["channels"] == channels and isinstance(meta["warnings"], list)
              and size == _CACHE_HEADER_BYTES + frames * channels * 4)
    except (ValueError, KeyError, TypeError):
        return None
    return meta if ok else None


def _cache_header(frames: int, channels: int, warnings: list[str]) -> bytes:
    text = json.dumps({"frames": frames, "channels": channels, "warnings": warnings})
    header = _CACHE_MAGIC + text.encode()
    if len(header) > _CACHE_HEADER_BYTES:  # absurdly many warnings: keep the first
        return _cache_header(frames, channels, warnings[:1])
    return header.ljust(_CACHE_HEADER_BYTES, b" ")


def _decode_into_cache(path: Path, info: AudioFileInfo, cache_file: Path,
                       cancel: CancelToken) -> Generator[Progress, None, dict]:
    """Decode `path` to float32 in `cache_file` (atomically) and return its metadata."""
    folder = cache_file.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=cache_file.stem + ".",
                                        suffix=".part")
    except OSError as exc:
        raise AudioFileError(path, f"cannot write the decode cache in {folder}: "
                                   f"{exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(b"\0" * _CACHE_HEADER_BYTES)
            frames, warnings = yield from _decode_chunks(path, info, out, cancel)
            out.seek(0)
            out.write(_cache_header(frames, info.channels, warnings))
        os.replace(tmp_name, cache_file)
    except OSError as exc:
        with suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise AudioFileError(path, f"cannot write the decode cache in {folder}: "
                                   f"{exc.strerror or exc}") from exc
    except BaseException:  # cancelled, closed, or a decode error: leave no temp file
        with suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return {"frames": frames, "channels": info.channels, "warnings": warnings}


def _decode_chunks(path: Path, info: AudioFileInfo, out,
                   cancel: CancelToken) -> Generator[Progress, None, tuple[int, list[str]]]:
    """Write every decodable frame of `path` to `out` as float32; keep what precedes damage."""
    frames, warnings = 0, []
    message = f"Decoding {path.name}"
    buffer = np.empty((DECODE_CHUNK_FRAMES, info.channels), dtype=np.float32)
    try:
        snd = sf.SoundFile(os.fsencode(path))
    except (sf.SoundFileError, RuntimeError) as exc:
        raise AudioFileError(path, _libsndfile_reason(exc, path)) from exc
    with snd:
        while True:
            cancel.check()
            count, error = _decode_into(snd, buffer)
            out.write(buffer[:count].tobytes())
            frames += count
            if error is not None:
                if frames == 0:
                    raise AudioFileError(path, error)
                warnings.append(f"decoding stopped after {frames} of {info.frames} "
                                f"frames: {error}")
                break
            if count == 0:
                break
            fraction = min(frames / info.frames, 1.0) if info.frames > 0 else None
            yield Progress(fraction, message)
    if frames < info.frames and not warnings:
        warnings.append(f"the header promises {info.frames} frames but only {frames} "
                        f"could be decoded")
    return frames, warnings


def _decode_into(snd: sf.SoundFile, buffer: np.ndarray) -> tuple[int, str | None]:
    """Decode up to len(buffer) frames into `buffer`: (frames decoded, libsndfile error or None).

    This calls libsndfile directly instead of SoundFile.read, which seeks back
    to its own idea of the position after every read.  libsndfile's MP3 seek
    is inexact, so that seek put an audible glitch at every chunk boundary of
    a decoded MP3 (soundfile 0.14, libsndfile 1.2.2).  SoundFile.read also
    stops at the header's frame count, which for MP3 is only an estimate.
    """
    pointer = sf._ffi.cast("float *", buffer.ctypes.data)
    count = int(sf._snd.sf_readf_float(snd._file, pointer, len(buffer)))
    code = sf._snd.sf_error(snd._file)
    return max(count, 0), (sf.LibsndfileError(code).error_string if code else None)


def _map_cache(cache_file: Path, frames: int, channels: int) -> SampleSource:
    if frames == 0:
        return SampleSource(np.zeros((0, channels), dtype=np.float32), 1.0)
    data = np.memmap(cache_file, dtype="<f4", mode="r", offset=_CACHE_HEADER_BYTES,
                     shape=(frames, channels))
    return SampleSource(data, 1.0)

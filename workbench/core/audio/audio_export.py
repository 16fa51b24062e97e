"""Writing audio to WAV, FLAC or Ogg Vorbis, atomically.

`export_audio` is a task in the sense of core/jobs.py.  It reads the block
sequence chunk by chunk (never the whole file into memory), replaces NaN and
infinity by silence, clips to [-1, 1] for every format that cannot hold
louder samples, and counts both so the user can be told.  It writes to a
temporary file beside the target, fsyncs it and renames it over the target,
so a failure at any step leaves the previous file exactly as it was.  The
rename also makes it safe to export onto the file a memory-mapped source is
reading: the mapping keeps the old inode alive.

Stateless; may run on any thread.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Generator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from workbench.core.audio.blocks import BlockSequence
from workbench.core.durable_files import fsync_folder
from workbench.core.jobs import CancelToken, Progress

# Frames per write.  Keep it far below 2**21: one libsndfile Vorbis write of
# about 2.1 million frames or more crashes the process (libsndfile 1.2.2).
EXPORT_CHUNK_FRAMES = 1 << 16
_EXPORT_FORMATS = {
    "WAV": ("PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"),
    "FLAC": ("PCM_16", "PCM_24"),
    "OGG": ("VORBIS",),
}
_FLOAT_SUBTYPES = {"FLOAT", "DOUBLE"}
# Limits checked before libsndfile sees the request.  FLAC and libsndfile's
# own limits produce a misleading "Format not recognised."; libvorbis beyond
# 255 channels or 200 kHz crashes the process (segfault, libsndfile 1.2.2).
_MAX_CHANNELS = {"WAV": 1024, "FLAC": 8, "OGG": 255}
# FLAC's rate limit is left to libsndfile, whose message for it is clear.
_MAX_SAMPLE_RATE = {"WAV": 2**31 - 1, "FLAC": 2**31 - 1, "OGG": 200_000}
# Integer subtypes are quantized here, with the same 2**(bits-1) scale the
# reader divides by, so export followed by open returns the same values.
# libsndfile's own float->int conversion scales by 2**(bits-1) - 1 instead.
_INTEGER_FULL_SCALE = {"PCM_16": 2**15, "PCM_24": 2**23, "PCM_32": 2**31}


class AudioExportError(Exception):
    """Audio could not be written to `path`; `reason` says why.  The target is unchanged."""

    def __init__(self, path: str | os.PathLike, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"Cannot export to {self.path.name!r}: {reason}")


@dataclass
class ExportReport:
    """What an export wrote and how many samples it had to change."""

    path: Path
    frames: int
    clipped_samples: int  # samples beyond [-1, 1] written as full scale
    nonfinite_samples: int  # NaN/Inf samples written as 0


def supported_export_formats() -> dict[str, list[str]]:
    """Export formats (soundfile major format names) and the subtypes each offers."""
    return {fmt: list(subtypes) for fmt, subtypes in _EXPORT_FORMATS.items()}


def export_audio(samples: BlockSequence, sample_rate: int, path: str | os.PathLike,
                 format: str, subtype: str, cancel: CancelToken | None = None
                 ) -> Generator[Progress, None, ExportReport]:
    """Task that writes `samples` to `path` as `format`/`subtype`.

    Raises AudioExportError (the previous file at `path`, if any, is left
    byte-identical and no temporary file remains), or Cancelled.
    """
    cancel = cancel or CancelToken()
    path = Path(path)
    format, subtype = format.upper(), subtype.upper()
    target = _check_request(path, samples, sample_rate, format, subtype)
    fd, tmp = _create_temp_beside(path, target)
    fd_open = True
    try:
        with sf.SoundFile(fd, "w", int(sample_rate), samples.channels, subtype,
                          format=format, closefd=False) as out:
            counts = yield from _write_chunks(out, samples, subtype, path.name, cancel)
        os.fsync(fd)
        fd_open = False
        os.close(fd)
        os.replace(tmp, target)
    except BaseException as exc:
        if fd_open:
            os.close(fd)
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise AudioExportError(path, exc.strerror or str(exc)) from exc
        if isinstance(exc, sf.SoundFileError | RuntimeError):
            reason = getattr(exc, "error_string", None) or str(exc)
            raise AudioExportError(path, reason) from exc
        raise
    fsync_folder(target.parent)
    clipped, nonfinite = counts
    return ExportReport(path, samples.frames, clipped, nonfinite)


def _check_request(path: Path, samples: BlockSequence, sample_rate: int, format: str,
                   subtype: str) -> Path:
    """The real file to replace (symlinks followed), after checking the request makes sense."""
    if format not in _EXPORT_FORMATS:
        raise AudioExportError(path, f"{format} is not an export format "
                                     f"(choose from {', '.join(_EXPORT_FORMATS)})")
    if subtype not in _EXPORT_FORMATS[format]:
        raise AudioExportError(path, f"{format} files cannot hold {subtype} samples "
                                     f"(choose from {', '.join(_EXPORT_FORMATS[format])})")
    if sample_rate <= 0:
        raise AudioExportError(path, f"the sample rate must be positive, not {sample_rate}")
    if sample_rate > _MAX_SAMPLE_RATE[format]:
        raise AudioExportError(path, f"{format} export supports sample rates up to "
                                     f"{_MAX_SAMPLE_RATE[format]} Hz, not {sample_rate} Hz")
    if samples.channels > _MAX_CHANNELS[format]:
        raise AudioExportError(path, f"{format} export supports up to "
                                     f"{_MAX_CHANNELS[format]} channels, not {samples.channels}")
    if format == "FLAC" and samples.frames == 0:
        # libsndfile starts the FLAC stream at the first sample, so with none it
        # leaves a 0-byte file that nothing can open.
        raise AudioExportError(path, "there is no audio to export, and an empty FLAC file "
                                     "cannot be written")
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    if target.is_dir():
        raise AudioExportError(path, "it is a folder")
    if not target.parent.is_dir():
        raise AudioExportError(path, f"the folder {str(target.parent)!r} does not exist")
    return target


def _create_temp_beside(path: Path, target: Path) -> tuple[int, Path]:
    """An exclusive new file in the target's folder (same filesystem, so the rename is atomic).

    It takes the permissions of the file it will replace; a new file gets
    the usual 0o666 less the umask, as if it had been created directly.
    """
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    while True:
        tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.part"
        try:
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as exc:
            raise AudioExportError(path, exc.strerror or str(exc)) from exc
        break
    try:
        if mode is not None:
            os.fchmod(fd, mode)
    except OSError as exc:
        os.close(fd)
        os.unlink(tmp)
        raise AudioExportError(path, exc.strerror or str(exc)) from exc
    return fd, tmp


def _write_chunks(out: sf.SoundFile, samples: BlockSequence, subtype: str, name: str,
                  cancel: CancelToken) -> Generator[Progress, None, tuple[int, int]]:
    clipped = nonfinite = 0
    total = samples.frames
    for start in range(0, total, EXPORT_CHUNK_FRAMES):
        cancel.check()
        block = _read_unsanitized(samples, start, start + EXPORT_CHUNK_FRAMES)
        finite = np.isfinite(block)
        bad = block.size - int(np.count_nonzero(finite))
        if bad:
            nonfinite += bad
            block[~finite] = 0.0
        if subtype not in _FLOAT_SUBTYPES:
            clipped += int(np.count_nonzero(np.abs(block) > 1.0))
            np.clip(block, -1.0, 1.0, out=block)
        out.write(_to_stored(block, subtype))
        yield Progress((start + len(block)) / total, f"Exporting {name}")
    cancel.check()
    return clipped, nonfinite


def _read_unsanitized(samples: BlockSequence, start: int, stop: int) -> np.ndarray:
    """Frames [start, stop) as a new float32 array, NaN/Inf left in place.

    BlockSequence.read silences NaN/Inf of sources already flagged `sanitize`;
    reading raw lets the export count every non-finite sample it replaces.
    """
    stop = min(stop, samples.frames)
    out = np.empty((stop - start, samples.channels), dtype=np.float32)
    for pos, block, offset, count in samples.spans(start, stop):
        first = block.start + offset
        dst = out[pos - start: pos - start + count]
        dst[...] = block.source.read_raw(first, first + count)
        if block.source.scale != 1.0:
            dst *= np.float32(block.source.scale)
    return out


def _to_stored(block: np.ndarray, subtype: str) -> np.ndarray:
    """Samples in [-1, 1] as the array type libsndfile writes without rescaling."""
    full_scale = _INTEGER_FULL_SCALE.get(subtype)
    if full_scale is None:
        return block
    ints = np.rint(block.astype(np.float64) * full_scale)
    np.clip(ints, -full_scale, full_scale - 1, out=ints)
    if subtype == "PCM_16":
        return ints.astype(np.int16)
    if subtype == "PCM_24":  # libsndfile keeps the top 24 bits of int32 input
        return ints.astype(np.int32) << 8
    return ints.astype(np.int32)

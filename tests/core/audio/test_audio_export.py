"""Exporting audio: formats, clipping and NaN counts, and atomic replacement of the target."""

import errno
import os
import stat
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from workbench.core.audio import audio_export
from workbench.core.audio.audio_export import (
    EXPORT_CHUNK_FRAMES,
    AudioExportError,
    ExportReport,
    export_audio,
    supported_export_formats,
)
from workbench.core.audio.audio_file import read_audio
from workbench.core.audio.blocks import BlockSequence
from workbench.core.audio.sample_source import SampleSource
from workbench.core.jobs import Cancelled, CancelToken, Progress, run_to_completion

FORMATS = [(fmt, sub) for fmt, subs in supported_export_formats().items() for sub in subs]
EXTENSIONS = {"WAV": "wav", "FLAC": "flac", "OGG": "ogg"}
# Largest difference between what was exported and what opening the file gives back.
TOLERANCE = {"PCM_16": 0.5 / 2**15, "PCM_24": 0.5 / 2**23, "PCM_32": 1e-7,
             "FLOAT": 0.0, "DOUBLE": 0.0}


def export(samples, path, fmt="WAV", subtype="PCM_16", sample_rate=48000,
           cancel=None) -> ExportReport:
    return run_to_completion(
        lambda token: export_audio(samples, sample_rate, path, fmt, subtype, token), cancel)


def tones(frames: int, channels: int = 2, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(frames) / 48000
    return np.stack([amplitude * np.sin(2 * np.pi * (300 + 100 * c) * t)
                     for c in range(channels)], axis=1).astype(np.float32)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def test_supported_formats_are_what_the_dialog_offers():
    assert supported_export_formats() == {
        "WAV": ["PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"],
        "FLAC": ["PCM_16", "PCM_24"],
        "OGG": ["VORBIS"],
    }
    supported_export_formats()["WAV"].clear()  # callers get a copy
    assert supported_export_formats()["WAV"]


@pytest.mark.parametrize(("fmt", "subtype"), FORMATS)
def test_export_then_open_gives_the_same_audio(tmp_path, fmt, subtype):
    samples = tones(9600, channels=8)
    path = tmp_path / f"out.{EXTENSIONS[fmt]}"
    report = export(BlockSequence.from_array(samples), path, fmt, subtype)
    assert report == ExportReport(path, 9600, 0, 0)
    loaded = read_audio(path)
    assert (loaded.info.format, loaded.info.subtype) == (fmt, subtype)
    assert (loaded.info.channels, loaded.info.sample_rate) == (8, 48000)
    back = loaded.source.read(0, loaded.source.frames)
    if subtype == "VORBIS":
        assert abs(len(back) - len(samples)) <= 1024
        n = min(len(back), len(samples))
        assert np.corrcoef(back[:n, 0], samples[:n, 0])[0, 1] > 0.99
    else:
        np.testing.assert_allclose(back, samples, rtol=0, atol=TOLERANCE[subtype])


def test_clipping_is_counted_exactly_and_never_wraps(tmp_path):
    samples = tones(4800, channels=1)
    samples[[100, 200, 300], 0] = [1.5, 1.5, -1.5]
    path = tmp_path / "loud.wav"
    report = export(BlockSequence.from_array(samples), path, "WAV", "PCM_16")
    assert report.clipped_samples == 3
    assert report.nonfinite_samples == 0
    stored, _ = sf.read(path, dtype="int16", always_2d=True)
    assert stored[[100, 200, 300], 0].tolist() == [32767, 32767, -32768]
    back = read_audio(path).source.read(0, 4800)
    assert back[100, 0] == np.float32(32767 / 32768)


def test_float_export_keeps_loud_samples(tmp_path):
    samples = np.array([[0.5], [1.5], [-2.0]], dtype=np.float32)
    report = export(BlockSequence.from_array(samples), tmp_path / "f.wav", "WAV", "FLOAT")
    assert report.clipped_samples == 0
    assert read_audio(tmp_path / "f.wav").source.read(0, 3)[:, 0].tolist() == [0.5, 1.5, -2.0]


@pytest.mark.parametrize("subtype", ["PCM_24", "FLOAT"])
def test_nan_and_inf_are_written_as_silence_and_counted(tmp_path, subtype):
    samples = tones(1000, channels=2)
    samples[10, 0], samples[20, 1], samples[30, 0] = np.nan, np.inf, -np.inf
    # An unflagged source, as a float WAV with NaN is before the peak pass flags it.
    source = SampleSource(samples, 1.0)
    path = tmp_path / "nan.wav"
    report = export(BlockSequence.from_source(source), path, "WAV", subtype)
    assert report.nonfinite_samples == 3
    stored, _ = sf.read(path, dtype="float32", always_2d=True)
    assert np.isfinite(stored).all()
    assert stored[10, 0] == stored[20, 1] == stored[30, 0] == 0.0


def test_long_exports_read_the_sequence_in_chunks(tmp_path, monkeypatch):
    frames = 3 * EXPORT_CHUNK_FRAMES + 123
    halves = [tones(frames // 2), tones(frames - frames // 2, amplitude=0.25)]
    sequence = BlockSequence.from_array(halves[0]).concat(BlockSequence.from_array(halves[1]))
    largest = []
    real_read_raw = SampleSource.read_raw

    def recording_read_raw(source, start, stop):
        largest.append(stop - start)
        return real_read_raw(source, start, stop)

    monkeypatch.setattr(SampleSource, "read_raw", recording_read_raw)
    progress: list[Progress] = []
    report = run_to_completion(
        lambda c: export_audio(sequence, 48000, tmp_path / "long.wav", "WAV", "FLOAT", c),
        on_progress=progress.append)
    assert report.frames == frames
    assert max(largest) <= EXPORT_CHUNK_FRAMES
    fractions = [p.fraction for p in progress]
    assert len(fractions) == 4 and fractions == sorted(fractions) and fractions[-1] == 1.0
    stored, _ = sf.read(tmp_path / "long.wav", dtype="float32", always_2d=True)
    np.testing.assert_array_equal(stored, np.concatenate(halves))


@pytest.mark.parametrize(("fmt", "subtype"), [("WAV", "PCM_16"), ("OGG", "VORBIS")])
def test_empty_sequence_exports_a_valid_empty_file(tmp_path, fmt, subtype):
    path = tmp_path / f"empty.{EXTENSIONS[fmt]}"
    report = export(BlockSequence.empty(2), path, fmt, subtype)
    assert report.frames == 0
    loaded = read_audio(path)
    assert (loaded.source.frames, loaded.source.channels) == (0, 2)


def test_empty_flac_is_refused_rather_than_written_unreadable(tmp_path):
    with pytest.raises(AudioExportError, match="no audio to export"):
        export(BlockSequence.empty(2), tmp_path / "empty.flac", "FLAC", "PCM_16")
    assert list(tmp_path.iterdir()) == []


def test_export_onto_the_memory_mapped_file_being_read(tmp_path):
    path = tmp_path / "take.wav"
    sf.write(path, tones(4800), 48000, subtype="PCM_16")
    opened = read_audio(path)
    assert isinstance(opened.source.data, np.memmap)
    before = opened.source.read(0, 4800)
    reversed_take = BlockSequence.from_source(opened.source)
    reversed_take = BlockSequence.from_array(reversed_take.read()[::-1])
    export(reversed_take, path, "WAV", "PCM_16")
    np.testing.assert_array_equal(opened.source.read(0, 4800), before)  # old mapping intact
    np.testing.assert_array_equal(read_audio(path).source.read(0, 4800), before[::-1])


def test_export_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "shared.wav"
    path.write_bytes(b"old")
    path.chmod(0o640)
    export(BlockSequence.from_array(tones(100)), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_new_file_gets_the_usual_permissions(tmp_path):
    export(BlockSequence.from_array(tones(100)), tmp_path / "new.wav")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.wav").stat().st_mode) == 0o666 & ~umask


def test_export_through_a_symlink_replaces_the_linked_file(tmp_path):
    real = tmp_path / "real.wav"
    real.write_bytes(b"old")
    link = tmp_path / "link.wav"
    link.symlink_to(real)
    export(BlockSequence.from_array(tones(100)), link)
    assert link.is_symlink()
    assert sf.info(real).frames == 100


@pytest.mark.parametrize(("fmt", "subtype", "rate", "reason"), [
    ("MP3", "MPEG_LAYER_III", 48000, "not an export format"),
    ("FLAC", "FLOAT", 48000, "cannot hold FLOAT"),
    ("WAV", "PCM_16", 0, "sample rate must be positive"),
    ("OGG", "VORBIS", 256000, "up to 200000 Hz"),  # libvorbis would crash the process
])
def test_impossible_requests_are_refused_before_writing(tmp_path, fmt, subtype, rate, reason):
    with pytest.raises(AudioExportError, match=reason):
        export(BlockSequence.from_array(tones(10)), tmp_path / "x", fmt, subtype, rate)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("fmt", "subtype", "channels", "reason"), [
    ("FLAC", "PCM_16", 9, "up to 8 channels"),  # libsndfile would say "Format not recognised."
    ("OGG", "VORBIS", 256, "up to 255 channels"),  # libvorbis would crash the process
    ("WAV", "PCM_16", 1025, "up to 1024 channels"),
])
def test_too_many_channels_are_refused_before_writing(tmp_path, fmt, subtype, channels,
                                                      reason):
    samples = BlockSequence.from_array(np.zeros((10, channels), dtype=np.float32))
    with pytest.raises(AudioExportError, match=reason):
        export(samples, tmp_path / "x", fmt, subtype)
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_refused(tmp_path):
    with pytest.raises(AudioExportError, match="does not exist") as caught:
        export(BlockSequence.from_array(tones(10)), tmp_path / "nowhere" / "x.wav")
    assert "x.wav" in str(caught.value)


def test_libsndfile_refusal_keeps_its_message(tmp_path):
    with pytest.raises(AudioExportError, match="flac does not support this sample rate"):
        export(BlockSequence.from_array(tones(100)), tmp_path / "fast.flac", "FLAC", "PCM_16",
               sample_rate=700_000)
    assert leftovers(tmp_path) == [] and not (tmp_path / "fast.flac").exists()


# -- failures at every step leave the old file alone ------------------------------

def _fail_creating_temp(monkeypatch):
    real_open = os.open

    def failing_open(path, flags, *args, **kwargs):
        if str(path).endswith(".part"):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", failing_open)
    return "Permission denied"


def _fail_second_write(monkeypatch):
    real_write = sf.SoundFile.write
    calls = []

    def failing_write(self, data):
        calls.append(len(data))
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(self, data)

    monkeypatch.setattr(sf.SoundFile, "write", failing_write)
    return "No space left on device"


def _fail_libsndfile_write(monkeypatch):
    def failing_write(self, data):
        raise sf.LibsndfileError(2)  # what libsndfile reports for a full disk

    monkeypatch.setattr(sf.SoundFile, "write", failing_write)
    return "System error"


def _fail_fsync(monkeypatch):
    def failing_fsync(fd):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", failing_fsync)
    return "Input/output error"


def _fail_replace(monkeypatch):
    def failing_replace(src, dst):
        raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(src))

    monkeypatch.setattr(os, "replace", failing_replace)
    return "Permission denied"


FAULTS = {
    "create": _fail_creating_temp,
    "write": _fail_second_write,
    "libsndfile": _fail_libsndfile_write,
    "fsync": _fail_fsync,
    "replace": _fail_replace,
}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("target_existed", [True, False])
def test_failure_leaves_the_previous_file_byte_identical(tmp_path, monkeypatch, fault,
                                                        target_existed):
    path = tmp_path / "keep.wav"
    if target_existed:
        sf.write(path, tones(480), 48000, subtype="PCM_24")
        original = path.read_bytes()
    reason = FAULTS[fault](monkeypatch)
    samples = BlockSequence.from_array(tones(2 * EXPORT_CHUNK_FRAMES + 1))
    with pytest.raises(AudioExportError) as caught:
        export(samples, path, "WAV", "PCM_16")
    assert reason in caught.value.reason
    assert caught.value.path == path
    assert str(caught.value).startswith("Cannot export to 'keep.wav': ")
    monkeypatch.undo()
    assert leftovers(tmp_path) == []
    if target_existed:
        assert path.read_bytes() == original
    else:
        assert not path.exists()


def test_cancel_leaves_the_previous_file_byte_identical(tmp_path):
    path = tmp_path / "keep.wav"
    sf.write(path, tones(480), 48000, subtype="PCM_24")
    original = path.read_bytes()
    cancel = CancelToken()
    task = export_audio(BlockSequence.from_array(tones(3 * EXPORT_CHUNK_FRAMES)), 48000, path,
                        "WAV", "PCM_16", cancel)
    next(task)
    cancel.set()
    with pytest.raises(Cancelled):
        next(task)
    assert path.read_bytes() == original
    assert leftovers(tmp_path) == []


def test_temp_file_lives_beside_the_target(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def recording_replace(src, dst):
        seen.append(Path(src))
        return real_replace(src, dst)

    monkeypatch.setattr(audio_export.os, "replace", recording_replace)
    export(BlockSequence.from_array(tones(100)), tmp_path / "out.wav")
    assert [p.parent for p in seen] == [tmp_path]

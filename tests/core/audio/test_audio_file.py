"""Opening audio files: every readable format, memory-mapping, the decode cache."""

import os
import struct
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from tests.core.bad_files import fmt_chunk
from workbench.core import paths
from workbench.core.audio.audio_file import (
    DECODE_CHUNK_FRAMES,
    AudioFileError,
    count_nonfinite,
    load_audio,
    probe_audio,
    read_audio,
)
from workbench.core.audio.sample_source import SampleSource
from workbench.core.jobs import Cancelled, CancelToken, Progress

# Reads are float32, so nothing comes back closer to the float64 original than this.
FLOAT32_RESOLUTION = 1e-7

# (format, subtype, extension, mapped straight from the file, largest error against the original)
READABLE = [
    ("WAV", "PCM_U8", "wav", False, 2 / 2**7),
    ("WAV", "PCM_16", "wav", True, 2 / 2**15),
    ("WAV", "PCM_24", "wav", False, 2 / 2**23),
    ("WAV", "PCM_32", "wav", True, FLOAT32_RESOLUTION),
    ("WAV", "FLOAT", "wav", True, FLOAT32_RESOLUTION),
    ("WAV", "DOUBLE", "wav", True, FLOAT32_RESOLUTION),
    ("WAVEX", "PCM_16", "wav", True, 2 / 2**15),
    ("RF64", "FLOAT", "rf64", True, FLOAT32_RESOLUTION),
    ("FLAC", "PCM_16", "flac", False, 2 / 2**15),
    ("FLAC", "PCM_24", "flac", False, 2 / 2**23),
    ("AIFF", "PCM_16", "aiff", False, 2 / 2**15),
    ("AIFF", "PCM_24", "aiff", False, 2 / 2**23),
    ("AIFF", "FLOAT", "aiff", False, FLOAT32_RESOLUTION),
]
LOSSY = [("OGG", "VORBIS", "ogg"), ("MP3", "MPEG_LAYER_III", "mp3")]


def two_tones(frames: int, sample_rate: int, channels: int = 2) -> np.ndarray:
    t = np.arange(frames) / sample_rate
    tones = [0.8 * np.sin(2 * np.pi * (220 + 110 * c) * t) for c in range(channels)]
    return np.stack(tones, axis=1)


def write(path: Path, samples: np.ndarray, sample_rate: int, fmt: str, subtype: str) -> Path:
    sf.write(path, samples, sample_rate, format=fmt, subtype=subtype)
    return path


def cached_files() -> list[Path]:
    folder = paths.cache_dir() / "decoded"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(("fmt", "subtype", "ext", "mapped", "tolerance"), READABLE)
def test_lossless_formats_read_back_what_was_written(tmp_path, fmt, subtype, ext, mapped,
                                                     tolerance):
    original = two_tones(4410, 44100)
    path = write(tmp_path / f"tones.{ext}", original, 44100, fmt, subtype)
    loaded = read_audio(path)
    samples = loaded.source.read(0, loaded.source.frames)
    reference, _ = sf.read(path, dtype="float32", always_2d=True)
    assert loaded.info.memory_mapped == mapped
    assert (loaded.info.format, loaded.info.subtype) == (fmt, subtype)
    assert (loaded.info.sample_rate, loaded.info.channels, loaded.info.frames) == (44100, 2, 4410)
    np.testing.assert_array_equal(samples, reference)  # exactly what libsndfile reads
    np.testing.assert_allclose(samples, original, rtol=0, atol=tolerance)


@pytest.mark.parametrize(("fmt", "subtype", "ext"), LOSSY)
def test_lossy_formats_read_back_close_to_what_was_written(tmp_path, fmt, subtype, ext):
    original = two_tones(22050, 44100)
    path = write(tmp_path / f"tones.{ext}", original, 44100, fmt, subtype)
    loaded = read_audio(path)
    samples = loaded.source.read(0, loaded.source.frames)
    assert not loaded.info.memory_mapped
    assert loaded.info.channels == 2
    assert abs(loaded.source.frames - len(original)) <= 1152  # at most one MP3 frame apart
    n = min(len(samples), len(original))
    for channel in range(2):
        correlation = np.corrcoef(samples[:n, channel], original[:n, channel])[0, 1]
        assert correlation > 0.99


@pytest.mark.parametrize(("fmt", "subtype", "ext"),
                         [("FLAC", "PCM_16", "flac"), ("AIFF", "PCM_24", "aiff"), *LOSSY])
def test_decoding_in_chunks_equals_decoding_in_one_go(tmp_path, fmt, subtype, ext):
    # soundfile's chunked reads seek between chunks, which glitched MP3 at every boundary.
    frames = 5 * DECODE_CHUNK_FRAMES // 2
    path = write(tmp_path / f"long.{ext}", two_tones(frames, 44100), 44100, fmt, subtype)
    whole, _ = sf.read(path, dtype="float32", always_2d=True)
    loaded = read_audio(path)
    np.testing.assert_array_equal(loaded.source.read(0, loaded.source.frames), whole)


@pytest.mark.parametrize("channels", [1, 8])
@pytest.mark.parametrize("sample_rate", [8000, 192000])
@pytest.mark.parametrize(("fmt", "subtype", "ext"),
                         [("WAV", "PCM_16", "wav"), ("FLAC", "PCM_24", "flac")])
def test_channel_counts_and_sample_rates(tmp_path, channels, sample_rate, fmt, subtype, ext):
    original = two_tones(sample_rate // 20, sample_rate, channels) * 0.9
    path = write(tmp_path / f"n.{ext}", original, sample_rate, fmt, subtype)
    loaded = read_audio(path)
    assert loaded.source.channels == loaded.info.channels == channels
    assert loaded.info.sample_rate == sample_rate
    assert loaded.source.frames == sample_rate // 20
    reference, _ = sf.read(path, dtype="float32", always_2d=True)
    np.testing.assert_array_equal(loaded.source.read(0, loaded.source.frames), reference)


def test_16_bit_wav_is_memory_mapped_and_slices_match_libsndfile(tmp_path):
    path = write(tmp_path / "speech.wav", two_tones(48000, 48000), 48000, "WAV", "PCM_16")
    loaded = read_audio(path)
    assert isinstance(loaded.source.data, np.memmap)
    assert loaded.source.data.dtype == np.dtype("<i2")
    reference, _ = sf.read(path, start=12345, stop=23456, dtype="float32", always_2d=True)
    np.testing.assert_array_equal(loaded.source.read(12345, 23456), reference)


def test_probe_describes_the_file_from_its_header(tmp_path):
    path = write(tmp_path / "speech.wav", np.zeros((100, 2)), 16000, "WAV", "PCM_16")
    info = probe_audio(path)
    assert info.path == path
    assert (info.format, info.subtype) == ("WAV", "PCM_16")
    assert info.format_info == "WAV (Microsoft) / Signed 16 bit PCM"
    assert (info.sample_rate, info.channels, info.frames) == (16000, 2, 100)
    assert info.file_size == path.stat().st_size
    assert info.memory_mapped and info.warnings == ()
    flac = write(tmp_path / "speech.flac", np.zeros((100, 2)), 16000, "FLAC", "PCM_16")
    assert not probe_audio(flac).memory_mapped
    assert cached_files() == []  # probing never decodes


def _proc_counters() -> tuple[int, int]:
    """(bytes read by read() calls, resident set size in bytes) of this process."""
    io = dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())
    resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    return int(io["rchar"]), resident_pages * os.sysconf("SC_PAGE_SIZE")


def _sparse_file(path: Path, header: bytes, total_size: int) -> Path:
    with open(path, "wb") as f:
        f.write(header)
        f.truncate(total_size)
    if path.stat().st_blocks * 512 > 64 << 20:
        pytest.skip(f"the filesystem under {path.parent} does not keep files sparse")
    return path


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux /proc counters")
def test_one_hour_wav_opens_without_reading_its_samples(tmp_path):
    frames = 3600 * 48000
    data_bytes = frames * 4
    header = (b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE"
              + fmt_chunk(channels=2, sample_rate=48000) + b"data" + struct.pack("<I", data_bytes))
    path = _sparse_file(tmp_path / "hour.wav", header, len(header) + data_bytes)
    assert path.stat().st_size == 691_200_044
    read_before, rss_before = _proc_counters()
    loaded = read_audio(path)
    read_after, rss_after = _proc_counters()
    assert loaded.info.memory_mapped and isinstance(loaded.source.data, np.memmap)
    assert loaded.source.frames == frames
    assert read_after - read_before < 1 << 20
    assert rss_after - rss_before < 32 << 20
    assert not loaded.source.read(frames - 10, frames).any()


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux /proc counters")
def test_rf64_beyond_4_gib_maps_the_far_end_at_the_right_place(tmp_path):
    frames = (4 << 30) // 4 + 1000  # 16-bit stereo: just past 4 GiB of data
    data_bytes = frames * 4
    fmt = fmt_chunk(channels=2, sample_rate=48000)
    ds64 = b"ds64" + struct.pack("<IQQQI", 28, 0, data_bytes, frames, 0)
    header = (b"RF64" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" + ds64 + fmt
              + b"data" + struct.pack("<I", 0xFFFFFFFF))
    path = _sparse_file(tmp_path / "long.rf64", header, len(header) + data_bytes)
    with open(path, "r+b") as f:  # one recognisable frame at the very end
        f.seek(len(header) + data_bytes - 4)
        f.write(struct.pack("<hh", 1234, -1234))
    loaded = read_audio(path)
    assert loaded.info.format == "RF64" and loaded.info.memory_mapped
    assert loaded.source.frames == frames
    assert loaded.source.read_raw(frames - 1, frames).tolist() == [[1234, -1234]]


def test_decoded_file_is_cached_and_reused(tmp_path):
    original = two_tones(3 * DECODE_CHUNK_FRAMES, 44100)
    path = write(tmp_path / "tones.flac", original, 44100, "FLAC", "PCM_24")
    first_progress: list[Progress] = []
    first = _drive(load_audio(path), first_progress)
    fractions = [p.fraction for p in first_progress]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("Decoding tones.flac" in p.message for p in first_progress)
    (cache_file,) = cached_files()
    assert isinstance(first.source.data, np.memmap)
    assert Path(first.source.data.filename) == cache_file

    second_progress: list[Progress] = []
    second = _drive(load_audio(path), second_progress)
    assert not any("Decoding" in p.message for p in second_progress)
    assert cached_files() == [cache_file]
    np.testing.assert_array_equal(second.source.read(0, second.source.frames),
                                  first.source.read(0, first.source.frames))


def test_changed_file_is_decoded_again(tmp_path):
    path = write(tmp_path / "tones.flac", two_tones(5000, 44100), 44100, "FLAC", "PCM_16")
    read_audio(path)
    write(path, np.full((7000, 2), 0.25), 44100, "FLAC", "PCM_16")
    reloaded = read_audio(path)
    assert reloaded.source.frames == 7000
    assert np.all(reloaded.source.read(0, 7000) == 0.25)
    assert len(cached_files()) == 2


def test_damaged_cache_file_is_replaced_by_a_fresh_decode(tmp_path):
    original = two_tones(5000, 44100)
    path = write(tmp_path / "tones.flac", original, 44100, "FLAC", "PCM_24")
    read_audio(path)
    (cache_file,) = cached_files()
    with open(cache_file, "r+b") as f:
        f.truncate(cache_file.stat().st_size - 100)
    again = read_audio(path)
    np.testing.assert_allclose(again.source.read(0, 5000), original, atol=2 / 2**23)


def test_cancelled_decode_leaves_no_cache_and_no_temp_file(tmp_path):
    path = write(tmp_path / "long.flac", two_tones(4 * DECODE_CHUNK_FRAMES, 44100), 44100,
                 "FLAC", "PCM_16")
    cancel = CancelToken()
    task = load_audio(path, cancel)
    assert isinstance(next(task), Progress)
    cancel.set()
    with pytest.raises(Cancelled):
        next(task)
    assert cached_files() == []


def test_abandoned_decode_leaves_no_temp_file(tmp_path):
    path = write(tmp_path / "long.flac", two_tones(4 * DECODE_CHUNK_FRAMES, 44100), 44100,
                 "FLAC", "PCM_16")
    task = load_audio(path)
    next(task)
    task.close()  # what happens when a runner drops a task half way
    assert cached_files() == []


def test_full_cache_disk_is_an_audio_file_error(tmp_path, monkeypatch):
    path = write(tmp_path / "tones.flac", two_tones(5000, 44100), 44100, "FLAC", "PCM_16")
    real_fdopen = os.fdopen

    def fdopen_that_fills_up(fd, *args, **kwargs):
        f = real_fdopen(fd, *args, **kwargs)

        class FullDisk:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                f.close()

            def write(self, data):
                raise OSError(28, "No space left on device")

        return FullDisk()

    monkeypatch.setattr("workbench.core.audio.audio_file.os.fdopen", fdopen_that_fills_up)
    with pytest.raises(AudioFileError, match="decode cache.*No space left on device") as caught:
        read_audio(path)
    assert caught.value.path == path
    assert cached_files() == []


def test_count_nonfinite_counts_nan_and_inf_in_chunks():
    samples = np.zeros((300_000, 2), dtype=np.float32)
    samples[[0, 299_999], 1] = np.nan
    samples[150_000, 0] = -np.inf
    source = SampleSource(samples, 1.0)
    assert count_nonfinite(source) == 3
    cancel = CancelToken()
    cancel.set()
    with pytest.raises(Cancelled):
        count_nonfinite(source, cancel)


def test_count_nonfinite_of_integer_samples_is_zero(tmp_path):
    path = write(tmp_path / "ints.wav", np.ones((100, 1)) * 0.5, 8000, "WAV", "PCM_16")
    assert count_nonfinite(read_audio(path).source) == 0


def _drive(task, progress: list[Progress]):
    while True:
        try:
            item = next(task)
        except StopIteration as stop:
            return stop.value
        progress.append(item)

"""The take writer's WAV file: valid after every flush, RF64 when large, safe on disk full."""

import errno
import struct

import numpy as np
import pytest
import soundfile as sf

from workbench.core.audio import wav_writer
from workbench.core.audio.audio_convert import SampleFormat
from workbench.core.audio.riff import read_wav_layout
from workbench.core.audio.wav_writer import WavWriter, repair_wav_sizes

RATE = 48000


def noise(frames, channels=2, seed=0):
    return (np.random.default_rng(seed).standard_normal((frames, channels)) * 0.2).astype(
        np.float32)


@pytest.mark.parametrize("fmt,subtype,tolerance", [
    (SampleFormat.FLOAT32, "FLOAT", 0.0),
    (SampleFormat.INT16, "PCM_16", 1 / 32768),
    (SampleFormat.INT32, "PCM_32", 1e-9),
    (SampleFormat.UINT8, "PCM_U8", 1 / 128),
])
def test_every_sample_format_reads_back(tmp_path, fmt, subtype, tolerance):
    path = tmp_path / "take.wav"
    audio = noise(1001, 3)
    with WavWriter(path, RATE, 3, fmt) as w:
        w.write(audio)
    data, rate = sf.read(path, dtype="float32")
    assert rate == RATE and sf.info(path).subtype == subtype
    np.testing.assert_allclose(data, audio, atol=tolerance)


def test_header_is_valid_after_each_flush_while_still_open(tmp_path):
    path = tmp_path / "take.wav"
    w = WavWriter(path, RATE, 2, SampleFormat.INT16)
    first = noise(4800)
    w.write(first)
    w.flush()
    assert sf.info(path).frames == 4800
    w.write(noise(2400, seed=1))
    assert sf.info(path).frames == 4800, "unflushed frames must not be counted yet"
    w.flush()
    assert sf.info(path).frames == 7200
    np.testing.assert_allclose(sf.read(path, dtype="float32", frames=4800)[0], first, atol=1e-4)
    w.close()


def test_silence_fills_exactly_the_frames_asked_for(tmp_path):
    path = tmp_path / "take.wav"
    with WavWriter(path, RATE, 2, SampleFormat.UINT8) as w:
        w.write(np.full((10, 2), 0.5, np.float32))
        w.write_silence(70_000)  # more than one internal silence chunk
        w.write(np.full((10, 2), -0.5, np.float32))
    data, _ = sf.read(path, dtype="float32")
    assert len(data) == 70_020
    assert np.all(data[10:70_010] == 0.0)
    assert data[-1, 0] == pytest.approx(-0.5)


def test_switches_to_rf64_beyond_the_threshold_and_soundfile_reads_it(tmp_path):
    path = tmp_path / "big.wav"
    audio = noise(5000)
    w = WavWriter(path, RATE, 2, SampleFormat.FLOAT32, rf64_threshold=20_000)
    w.write(audio[:1000])  # 8000 bytes: still a plain RIFF file
    w.flush()
    assert not w.is_rf64 and open(path, "rb").read(4) == b"RIFF"
    w.write(audio[1000:])
    w.flush()
    assert w.is_rf64
    head = open(path, "rb").read(48)
    assert head[:4] == b"RF64" and head[12:16] == b"ds64"
    assert struct.unpack("<I", head[4:8])[0] == 0xFFFFFFFF
    riff_size, data_size, frames = struct.unpack("<QQQ", head[20:44])
    assert data_size == 5000 * 8 and frames == 5000
    assert riff_size == path.stat().st_size - 8
    w.close()
    info = sf.info(path)
    assert info.format == "RF64" and info.frames == 5000
    np.testing.assert_array_equal(sf.read(path, dtype="float32")[0], audio)


def test_failed_write_keeps_whole_frames_and_a_valid_header(tmp_path, monkeypatch):
    path = tmp_path / "full.wav"
    w = WavWriter(path, RATE, 2, SampleFormat.INT16)
    kept = noise(1000)
    w.write(kept)
    room = [4 * 100 + 3]  # the disk takes 100 frames and 3 bytes more, then is full

    def write_until_full(fd, data):
        if room[0] <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        n = min(len(data), room[0])
        room[0] -= n
        return real_write(fd, data[:n])

    real_write = wav_writer._os_write
    monkeypatch.setattr(wav_writer, "_os_write", write_until_full)
    with pytest.raises(OSError) as err:
        w.write(noise(500, seed=3))
    assert err.value.errno == errno.ENOSPC
    assert w.frames == 1100
    data, _ = sf.read(path, dtype="float32")
    assert len(data) == 1100, "the header must describe what reached the disk"
    np.testing.assert_allclose(data[:1000], kept, atol=1e-4)


def test_repair_counts_frames_written_after_the_last_flush(tmp_path):
    path = tmp_path / "killed.wav"
    w = WavWriter(path, RATE, 2, SampleFormat.FLOAT32)
    audio = noise(3000)
    w.write(audio[:1000])
    w.flush()
    w.write(audio[1000:])  # reaches the file, but the header still says 1000
    with open(path, "ab") as f:
        f.write(b"\x01\x02\x03")  # and a torn last frame
    assert sf.info(path).frames == 1000
    assert repair_wav_sizes(path) == 3000
    np.testing.assert_array_equal(sf.read(path, dtype="float32")[0], audio)


def test_repair_turns_an_oversized_riff_take_into_rf64(tmp_path):
    path = tmp_path / "grown.wav"
    w = WavWriter(path, RATE, 1, SampleFormat.INT16)
    w.write(noise(100, 1))
    w.flush()
    w.write(noise(4000, 1, seed=2))
    assert repair_wav_sizes(path, rf64_threshold=1000) == 4100
    layout = read_wav_layout(path)
    assert layout.container == "RF64" and layout.frames == 4100
    assert sf.info(path).frames == 4100


def test_rejects_wrong_channel_count_and_integer_dtype(tmp_path):
    with WavWriter(tmp_path / "a.wav", RATE, 2, SampleFormat.INT16) as w:
        with pytest.raises(ValueError):
            w.write(np.zeros((10, 3), np.float32))
        with pytest.raises(TypeError):
            w.write(np.zeros((10, 2), np.int32))
        w.write(np.zeros((10, 2), np.int16))
        assert w.frames == 10

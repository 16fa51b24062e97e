"""The recording pipeline without a device: bounded memory, every frame on disk, stalls."""

import threading
import tracemalloc

import numpy as np
import soundfile as sf

from workbench.core.audio.audio_convert import SampleFormat
from workbench.core.storage.take_recovery import DropoutCause, new_take_sidecar, read_sidecar
from workbench.runtime import take_writer
from workbench.runtime.sample_ring import SampleRing
from workbench.runtime.take_writer import TakeWriter

RATE = 48000
BLOCK = 480  # 10 ms, as a device delivers


def indexed_block(start, frames=BLOCK):
    """Stereo int32 frames whose samples are their own take positions (and negated)."""
    idx = np.arange(start, start + frames, dtype=np.int32)
    return np.stack([idx, -idx], axis=1)


def test_a_long_recording_keeps_memory_flat_and_every_frame_reaches_the_file(tmp_path):
    minutes = 2
    total = minutes * 60 * RATE
    queue_limit = 2 * RATE
    sidecar = new_take_sidecar(RATE, 2, SampleFormat.INT32, directory=tmp_path)
    # RF64 from 20 MB on, so that the long-file header path runs too.
    writer = TakeWriter(sidecar, queue_limit, rf64_threshold=20 * 2**20)
    ring = SampleRing(5 * RATE, 2)
    writer.start()
    tracemalloc.start()
    try:
        samples = []
        for pos in range(0, total, BLOCK):
            block = indexed_block(pos)
            # A device is slower than the disk; this simulation waits instead of dropping.
            assert writer.wait_for_room(BLOCK, timeout=30)
            assert writer.push(block)
            ring.write(block.astype(np.float32) / 2**31)
            if pos % (RATE * 20) == 0:
                samples.append(tracemalloc.get_traced_memory()[0])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        frames, dropouts = writer.finish()
    assert frames == total and dropouts == ()
    assert writer.peak_queued_frames <= queue_limit
    # The ring was allocated before tracing began; what grows is the queue, and it may
    # hold at most queue_limit frames of int32 stereo (plus one batch being written).
    bound = 2 * queue_limit * 8 + 2**20
    assert peak < bound, f"peak {peak / 2**20:.1f} MB"
    assert max(samples) < bound, samples  # flat: no later sample beyond the bound either
    info = sf.info(sidecar.wav_path)
    assert info.format == "RF64" and info.frames == total
    with sf.SoundFile(sidecar.wav_path) as f:
        for start in range(0, total, 10 * RATE):
            data = f.read(10 * RATE, dtype="int32")
            idx = np.arange(start, start + len(data), dtype=np.int32)
            assert np.array_equal(data[:, 0], idx) and np.array_equal(data[:, 1], -idx)
    assert read_sidecar(sidecar.path).state == "finished"


def test_a_stalled_disk_drops_whole_blocks_into_one_dropout_at_their_positions(
        tmp_path, monkeypatch):
    stalled, release = threading.Event(), threading.Event()

    class SlowDisk(take_writer.WavWriter):
        def write(self, frames):
            stalled.set()
            release.wait(30)
            super().write(frames)

    monkeypatch.setattr(take_writer, "WavWriter", SlowDisk)
    sidecar = new_take_sidecar(RATE, 2, SampleFormat.INT32, directory=tmp_path)
    writer = TakeWriter(sidecar, queue_limit_frames=10 * BLOCK)
    writer.start()
    pos = 0
    accepted = []
    for _ in range(40):
        accepted.append(writer.push(indexed_block(pos)))
        pos += BLOCK
        if pos == BLOCK:
            assert stalled.wait(10)  # the writer is now stuck on the first block
    release.set()
    frames, dropouts = writer.finish()
    assert frames == 40 * BLOCK
    # The queue limit counts the block being written too: 10 fit, the rest became one dropout.
    assert accepted == [True] * 10 + [False] * 30
    assert len(dropouts) == 1
    assert (dropouts[0].start, dropouts[0].stop) == (10 * BLOCK, 40 * BLOCK)
    assert dropouts[0].cause is DropoutCause.WRITER_STALLED
    data, _ = sf.read(sidecar.wav_path, dtype="int32")
    idx = np.arange(10 * BLOCK, dtype=np.int32)
    assert np.array_equal(data[:10 * BLOCK, 0], idx)
    assert not data[10 * BLOCK:].any()
    assert read_sidecar(sidecar.path).dropouts == dropouts


def test_silence_for_lost_input_lands_between_the_blocks_around_it(tmp_path):
    sidecar = new_take_sidecar(RATE, 2, SampleFormat.INT32, directory=tmp_path)
    writer = TakeWriter(sidecar, queue_limit_frames=RATE)
    writer.start()
    writer.push(indexed_block(0))
    writer.push_silence(1000, DropoutCause.INPUT_OVERFLOW)
    writer.push(indexed_block(BLOCK + 1000))
    frames, dropouts = writer.finish()
    assert frames == 2 * BLOCK + 1000
    assert [(d.start, d.stop) for d in dropouts] == [(BLOCK, BLOCK + 1000)]
    data, _ = sf.read(sidecar.wav_path, dtype="int32")
    assert not data[BLOCK:BLOCK + 1000].any()
    assert data[BLOCK + 1000, 0] == BLOCK + 1000


def test_the_ring_keeps_the_newest_frames_with_take_positions():
    ring = SampleRing(1000, 1)
    for start in range(0, 2500, 300):
        n = min(300, 2500 - start)
        ring.write(np.arange(start, start + n, dtype=np.float32)[:, None])
    assert ring.total_frames == 2500
    first, frames = ring.read_since(0)
    assert first == 1500 and np.array_equal(frames[:, 0], np.arange(1500, 2500))
    first, frames = ring.read_since(2400)
    assert first == 2400 and len(frames) == 100
    ring.write_silence(1200)
    assert ring.total_frames == 3700 and not ring.latest(5000).any()
    ring.write(np.arange(5000, dtype=np.float32)[:, None])  # longer than the ring
    assert ring.total_frames == 8700
    assert np.array_equal(ring.latest(3)[:, 0], [4997, 4998, 4999])

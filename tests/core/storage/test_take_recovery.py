"""Unfinished takes are found after a crash, reopened whole, and kept until discarded."""

import numpy as np
import soundfile as sf

from workbench.core import paths
from workbench.core.audio.audio_convert import SampleFormat
from workbench.core.audio.wav_writer import WavWriter
from workbench.core.storage.take_recovery import (
    FINISHED,
    Dropout,
    DropoutCause,
    Take,
    describe_dropouts,
    discard_take,
    find_unfinished_takes,
    mark_finished,
    new_take_sidecar,
    read_sidecar,
    recover_take,
    takes_dir,
    write_sidecar,
)


def start_take(rate=16000, channels=2):
    sidecar = new_take_sidecar(rate, channels, SampleFormat.INT16, device="Test mic",
                               insert_at=1234)
    write_sidecar(sidecar)
    return sidecar, WavWriter(sidecar.wav_path, rate, channels, SampleFormat.INT16)


def test_takes_live_under_the_data_dir():
    assert takes_dir() == paths.data_dir() / "takes"
    sidecar, writer = start_take()
    writer.close()
    assert sidecar.wav_path.parent == takes_dir()
    assert sidecar.path.exists() and sidecar.path.suffix == ".json"


def test_sidecar_round_trips_through_json():
    sidecar, writer = start_take()
    writer.close()
    drops = (Dropout(10, 20, DropoutCause.INPUT_OVERFLOW),
             Dropout(500, 900, DropoutCause.WRITER_STALLED))
    finished = mark_finished(sidecar, drops)
    again = read_sidecar(sidecar.path)
    assert again == finished
    assert again.state == FINISHED and again.dropouts == drops and again.insert_at == 1234


def test_a_killed_take_is_found_and_recovered_with_unflushed_frames():
    sidecar, writer = start_take()
    audio = np.random.default_rng(1).integers(-3000, 3000, (16000 * 3, 2)).astype(np.int16)
    writer.write(audio[:16000])
    writer.flush()
    writer.write(audio[16000:])  # in the file, not yet counted by the header
    # The process "dies" here: no close(), no finished sidecar.
    found = find_unfinished_takes()
    assert [s.wav_path for s in found] == [sidecar.wav_path]
    take = recover_take(found[0])
    assert take.frames == len(audio) and take.sample_rate == 16000 and take.insert_at == 1234
    data, rate = sf.read(take.path, dtype="int16")
    np.testing.assert_array_equal(data, audio)
    # Recovered but not yet saved by the user: still offered next time.
    assert find_unfinished_takes()
    discard_take(take.path)
    assert not take.path.exists() and not take.sidecar_path.exists()
    assert find_unfinished_takes() == []


def test_finished_takes_and_broken_sidecars_are_not_offered():
    done, w1 = start_take()
    w1.close()
    mark_finished(done, ())
    orphan, w2 = start_take()
    w2.close()
    orphan.wav_path.unlink()  # the WAV is gone: nothing to offer
    garbage = takes_dir() / "take-garbage.json"
    garbage.write_text("{ not json")
    assert find_unfinished_takes() == []


def test_new_takes_never_reuse_a_name():
    a = new_take_sidecar(8000, 1, SampleFormat.FLOAT32)
    write_sidecar(a)
    names = {a.wav_path}
    for _ in range(5):
        s = new_take_sidecar(8000, 1, SampleFormat.FLOAT32)
        write_sidecar(s)
        names.add(s.wav_path)
    assert len(names) == 6


def test_dropouts_are_described_for_the_user(tmp_path):
    take = Take(tmp_path / "t.wav", 480000, 48000, 2, SampleFormat.INT16,
                (Dropout(48000, 60000, DropoutCause.INPUT_OVERFLOW),
                 Dropout(96000, 96480, DropoutCause.WRITER_STALLED)))
    text = describe_dropouts(take)
    assert "2 times" in text and "0.260 s" in text and "1.000 s, 2.000 s" in text
    assert describe_dropouts(Take(tmp_path / "u.wav", 10, 48000, 1, SampleFormat.INT16)) == ""

"""Every broken file is refused with one clear error; every odd-but-valid file opens."""

import re

import pytest

from tests.core.bad_files import CASES, OPENS_AS, write_case
from workbench.core.audio.audio_file import (
    AudioFileError,
    count_nonfinite,
    probe_audio,
    read_audio,
)

REFUSED = [name for name in CASES if name not in OPENS_AS]
OPENED = list(OPENS_AS)


def test_corpus_is_large_enough():
    assert len(CASES) >= 12
    assert len(REFUSED) >= 12


@pytest.mark.parametrize("name", REFUSED)
def test_bad_file_is_refused_with_its_name_and_reason(name, tmp_path):
    path, expected_reason = write_case(name, tmp_path)
    with pytest.raises(AudioFileError) as caught:
        read_audio(path)
    error = caught.value
    assert error.path == path
    assert path.name in str(error)
    assert expected_reason in error.reason
    assert str(error) == f"Cannot open {path.name!r}: {error.reason}"


@pytest.mark.parametrize("name", REFUSED)
def test_probe_refuses_the_same_way(name, tmp_path):
    path, expected_reason = write_case(name, tmp_path)
    with pytest.raises(AudioFileError, match=re.escape(expected_reason)):
        probe_audio(path)


@pytest.mark.parametrize("name", OPENED)
def test_odd_file_opens_with_the_frames_that_exist(name, tmp_path):
    path, expected_reason = write_case(name, tmp_path)
    assert expected_reason is None
    expect = OPENS_AS[name]
    loaded = read_audio(path)
    if isinstance(expect.frames, range):
        assert loaded.source.frames in expect.frames
    else:
        assert loaded.source.frames == expect.frames
    assert loaded.info.frames == loaded.source.frames
    assert loaded.source.channels == loaded.info.channels == expect.channels
    assert loaded.info.memory_mapped == expect.memory_mapped
    if expect.warning is None:
        assert loaded.info.warnings == ()
    else:
        assert any(re.search(expect.warning, w) for w in loaded.info.warnings), \
            loaded.info.warnings
    samples = loaded.source.read(0, loaded.source.frames)
    assert samples.shape == (expect.frames if isinstance(expect.frames, int)
                             else loaded.source.frames, expect.channels)


def test_data_chunk_longer_than_file_reads_the_samples_that_are_there(tmp_path):
    path, _ = write_case("data_chunk_longer_than_file", tmp_path)
    loaded = read_audio(path)
    assert loaded.info.memory_mapped
    first = loaded.source.read_raw(0, 3)[:, 0].tolist()
    assert first == [-1000, -999, -998]


def test_float_file_with_nan_and_inf_opens_mapped_and_counts_them(tmp_path):
    path, _ = write_case("float_with_nan_and_inf", tmp_path)
    loaded = read_audio(path)
    assert loaded.info.memory_mapped
    assert count_nonfinite(loaded.source) == 3

"""The decoded-audio cache stays under its size limit, least recently used files first."""

import os
import time

import numpy as np
import soundfile as sf

from workbench.core import paths
from workbench.core.audio import decode_cache
from workbench.core.audio.audio_file import load_audio, read_audio
from workbench.core.jobs import run_to_completion
from workbench.core.settings import Settings


def flac(folder, name, seconds=1.0, rate=16000):
    path = folder / name
    sf.write(path, np.zeros((int(rate * seconds), 1)), rate, format="FLAC")
    return path


def cached_files():
    return sorted((paths.cache_dir() / "decoded").glob("*.f32"))


def test_prune_removes_the_least_recently_used_first_and_never_the_kept_file(tmp_path):
    files = []
    for i in range(4):
        path = tmp_path / f"{i}.f32"
        path.write_bytes(bytes(1000))
        os.utime(path, ns=(i * 10**9, i * 10**9))  # 0 is the oldest
        files.append(path)
    decode_cache.touch(files[0])  # just used: now the newest
    removed = decode_cache.prune(tmp_path, 2500, keep=files[1])
    assert removed == [files[2], files[3]]
    assert files[0].exists() and files[1].exists()


def test_a_limit_of_zero_means_no_limit(tmp_path):
    (tmp_path / "a.f32").write_bytes(bytes(10))
    assert decode_cache.prune(tmp_path, 0) == []


def test_opening_files_keeps_the_cache_under_the_limit_from_settings(tmp_path):
    # Each second of 16 kHz mono decodes to 64 kB of float32 (plus a 4 kB header).
    settings = Settings(decode_cache_mb=1)
    settings.save()
    opened = [flac(tmp_path, f"take{i}.flac", seconds=6) for i in range(4)]  # ~388 kB each
    for path in opened:
        read_audio(path)
        time.sleep(0.01)  # distinct modification times
    remaining = cached_files()
    assert sum(p.stat().st_size for p in remaining) <= 1024 * 1024
    assert len(remaining) == 2  # the two most recently opened files
    newest = read_audio(opened[-1])  # a hit: no new file, nothing evicted
    assert newest.source.frames == 96000 and cached_files() == remaining


def test_a_cache_hit_marks_the_file_as_recently_used(tmp_path):
    first, second, third = (flac(tmp_path, f"{n}.flac", seconds=6) for n in "abc")
    run_to_completion(lambda c: load_audio(first, c, cache_limit_mb=0))
    run_to_completion(lambda c: load_audio(second, c, cache_limit_mb=0))
    time.sleep(0.01)
    run_to_completion(lambda c: load_audio(first, c, cache_limit_mb=0))  # first is now newest
    time.sleep(0.01)
    run_to_completion(lambda c: load_audio(third, c, cache_limit_mb=1))
    names = {p.name for p in cached_files()}
    assert len(names) == 2
    # the second file was the least recently used, so it went
    again = run_to_completion(lambda c: load_audio(first, c, cache_limit_mb=0))
    assert again.source.frames == 96000 and len(cached_files()) == 2

"""The waveform summaries must be exact: every sample lands in exactly one column."""

import numpy as np
import pytest

from workbench.core.analysis.peaks import CHUNK_FRAMES, PeakPyramid, sequence_columns
from workbench.core.audio.audio_stats import compute_stats
from workbench.core.audio.blocks import BlockSequence
from workbench.core.audio.sample_source import SampleSource
from workbench.core.jobs import run_to_completion


def _seq(data: np.ndarray) -> BlockSequence:
    source = SampleSource.from_array(data)
    PeakPyramid.of(source)  # what the app's loader does in the background
    return BlockSequence.from_source(source)


def _reference(samples: np.ndarray, start: int, stop: int, n: int):
    edges = np.round(np.linspace(start, stop, n + 1)).astype(int)
    lo = np.array([samples[a:b].min(axis=0) for a, b in zip(edges[:-1], edges[1:])])
    hi = np.array([samples[a:b].max(axis=0) for a, b in zip(edges[:-1], edges[1:])])
    return lo, hi


@pytest.mark.parametrize("frames,start,stop,cols", [
    (1000, 0, 1000, 100),            # raw samples, few per column
    (300_000, 0, 300_000, 1600),      # 256-cell level
    (3_000_000, 12_345, 2_999_000, 800),  # coarse levels, unaligned ends
])
def test_columns_cover_every_sample(frames, start, stop, cols):
    rng = np.random.default_rng(1)
    data = (rng.standard_normal((frames, 2)) * 0.1).astype(np.float32)
    seq = _seq(data)
    lo, hi = sequence_columns(seq, start, stop, cols)
    # Global extremes are always exact; column extremes exact up to edge snapping.
    assert np.isclose(hi.max(axis=0), data[start:stop].max(axis=0)).all()
    assert np.isclose(lo.min(axis=0), data[start:stop].min(axis=0)).all()
    ref_lo, ref_hi = _reference(data, start, stop, cols)
    assert not np.isnan(hi).any() and not np.isnan(lo).any()
    if (stop - start) / cols < 512:  # read from raw samples: exact per column
        assert np.array_equal(hi, ref_hi) and np.array_equal(lo, ref_lo)
    else:  # edges snap to cells smaller than half a column: a neighbour's extreme at most
        pad_hi = np.pad(ref_hi, ((1, 1), (0, 0)), mode="edge")
        neighbourhood_max = np.maximum(np.maximum(pad_hi[:-2], pad_hi[1:-1]), pad_hi[2:])
        assert (hi <= neighbourhood_max).all()
        assert np.mean(hi == ref_hi) > 0.5


def test_a_single_spike_is_never_hidden_at_any_zoom():
    data = np.zeros((5_000_000, 1), np.float32)
    data[3_141_593] = 0.9
    seq = _seq(data)
    for cols in (37, 400, 1600, 4000):
        lo, hi = sequence_columns(seq, 0, len(data), cols)
        assert np.count_nonzero(hi) == 1 and hi.max() == np.float32(0.9)
        col = int(np.flatnonzero(hi[:, 0])[0])
        assert abs(col - 3_141_593 * cols / len(data)) <= 1.0


def test_cut_samples_do_not_leak_into_the_view():
    """After a cut, a spike in the removed region must not show up."""
    data = np.zeros((2_000_000, 1), np.float32)
    data[1_000_100] = 1.0  # inside the region we cut
    seq = _seq(data).delete(1_000_000, 1_000_200)
    lo, hi = sequence_columns(seq, 0, seq.frames, 1600)
    assert hi.max() == 0.0


def test_int16_memmap_pyramid_matches_numpy(tmp_path):
    data = (np.random.default_rng(2).integers(-30000, 30000, (CHUNK_FRAMES + 5000, 2))
            ).astype(np.int16)
    path = tmp_path / "x.raw"
    data.tofile(path)
    mm = np.memmap(path, np.int16, "r", shape=data.shape)
    source = SampleSource(mm, 1 / 32768)
    pyramid = PeakPyramid(source)
    for _ in pyramid.build():
        pass
    source.peaks = pyramid
    assert np.array_equal(pyramid.maxs[0][:10], data[:2560].reshape(10, 256, 2).max(axis=1))
    lo, hi = sequence_columns(BlockSequence.from_source(source), 0, len(data), 100)
    assert np.isclose(hi.max(axis=0), data.max(axis=0) / 32768).all()
    assert np.isclose(lo.min(axis=0), data.min(axis=0) / 32768).all()


def test_nonfinite_float_samples_are_counted_and_drawn_as_zero():
    data = np.zeros((10_000, 1), np.float32)
    data[5] = np.nan
    data[7] = np.inf
    source = SampleSource(data.copy(), 1.0)
    pyramid = PeakPyramid.of(source)
    assert pyramid.nonfinite_samples == 2 and source.sanitize
    assert np.isfinite(source.read(0, 10)).all()
    for columns in (10, 1000):  # from summaries, and from raw samples when zoomed in
        lo, hi = sequence_columns(BlockSequence.from_source(source), 0, 10_000, columns)
        assert np.isfinite(hi).all() and np.isfinite(lo).all() and hi.max() == 0.0


def test_pyramid_under_construction_leaves_unread_columns_empty():
    data = np.ones((3 * CHUNK_FRAMES, 1), np.float32)
    source = SampleSource(data, 1.0)
    pyramid = PeakPyramid(source)
    source.peaks = pyramid
    builder = pyramid.build()
    next(builder)  # one chunk summarized
    lo, hi = sequence_columns(BlockSequence.from_source(source), 0, len(data), 30)
    assert np.isfinite(hi[:9]).all() and np.isnan(hi[11:]).all()


def test_a_build_split_in_interleaved_parts_equals_a_single_build():
    data = (np.random.default_rng(3).standard_normal((3 * CHUNK_FRAMES + 777, 3)) * 0.2
            ).astype(np.float32)
    one, two = PeakPyramid(SampleSource(data, 1.0)), PeakPyramid(SampleSource(data, 1.0))
    for _ in one.build():
        pass
    odd = two.build(part=1, parts=2)
    next(odd)  # chunk 1 done, chunk 0 not yet: nothing is ready from the start
    assert two.frames_ready == 0 and not two.complete
    for _ in two.build(part=0, parts=2):
        pass
    for _ in odd:
        pass
    assert two.complete and two.frames_ready == len(data)
    for level in range(3):
        assert np.array_equal(one.mins[level], two.mins[level])
        assert np.array_equal(one.maxs[level], two.maxs[level])
    # every level agrees with numpy on the raw samples
    assert np.array_equal(one.maxs[2][0], data[:65536].max(axis=0))
    assert np.array_equal(one.mins[1][-1], data[(len(data) - 1) // 4096 * 4096:].min(axis=0))


@pytest.mark.parametrize("dtype", ["int16", "float32"])
def test_the_peak_pass_measures_the_same_levels_as_a_separate_scan(dtype):
    rng = np.random.default_rng(5)
    frames = CHUNK_FRAMES * 2 + 12345  # two whole chunks and a partial one
    if dtype == "int16":
        raw = rng.integers(-20000, 20000, (frames, 2), dtype=np.int16)
        raw[777, 1] = -32768
        source = SampleSource(raw, 1 / 32768)
    else:
        raw = (rng.standard_normal((frames, 2)) * 0.1).astype(np.float32)
        raw[frames - 1, 0] = -0.9
        source = SampleSource(raw, 1.0)
    pyramid = PeakPyramid(source)
    for part in range(2):
        for _ in pyramid.build(None, part, 2):
            pass
    separate = run_to_completion(lambda c: compute_stats(BlockSequence.from_source(source), c))
    measured = pyramid.stats()
    assert measured.peak == pytest.approx(separate.peak, rel=1e-6)
    assert measured.rms == pytest.approx(separate.rms, rel=1e-5)
    assert measured.peak[1 if dtype == "int16" else 0] == pytest.approx(
        1.0 if dtype == "int16" else 0.9, rel=1e-6)


def test_levels_are_not_given_before_the_pyramid_is_complete():
    pyramid = PeakPyramid(SampleSource(np.zeros((CHUNK_FRAMES * 2, 1), np.float32), 1.0))
    next(pyramid.build(None, 0, 2))
    with pytest.raises(RuntimeError):
        pyramid.stats()

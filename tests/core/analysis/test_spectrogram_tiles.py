"""Which columns a view needs, how they group into tiles, and the tile cache."""

import numpy as np
import pytest

from workbench.core.analysis.spectrogram import (
    TILE_COLUMNS,
    SpectrogramSettings,
    TileCache,
    TileGrid,
    TileKey,
    choose_hop,
    pool_rows,
)

RATE = 48000
HOUR = 3600 * RATE


def test_a_whole_hour_on_1600_pixels_needs_about_one_column_per_pixel():
    hop = choose_hop(512, HOUR, 1600)
    assert hop == 512 * 2**8
    assert HOUR / hop <= 1600 < HOUR / (hop / 2)


def test_a_one_second_view_uses_the_settings_hop():
    assert choose_hop(512, RATE, 1600) == 512


@pytest.mark.parametrize("visible_frames", [1, 511, 512 * 1600, 512 * 1600 + 1, 10**9])
def test_the_hop_is_the_smallest_power_of_two_multiple_that_fits(visible_frames):
    hop = choose_hop(512, visible_frames, 1600)
    assert hop % 512 == 0 and (hop // 512) & (hop // 512 - 1) == 0
    assert visible_frames / hop <= 1600
    assert hop == 512 or visible_frames / (hop // 2) > 1600


def test_tiles_cover_every_column_once_and_the_last_one_is_short():
    grid = TileGrid(frames=10 * RATE, sample_rate=RATE, hop=512)
    assert grid.columns == 938  # ceil(480000 / 512)
    assert grid.tiles == 4
    counts = [grid.tile_columns(i)[1] for i in range(grid.tiles)]
    assert counts == [256, 256, 256, 938 - 3 * 256]
    assert grid.tile_columns(2)[0] == 512


def test_tiles_sit_side_by_side_in_seconds():
    grid = TileGrid(frames=10 * RATE, sample_rate=RATE, hop=512)
    spans = [grid.tile_time_span(i) for i in range(grid.tiles)]
    for (start, length), (next_start, _) in zip(spans, spans[1:], strict=False):
        assert start + length == pytest.approx(next_start)
    assert spans[0][0] == pytest.approx(-0.5 * 512 / RATE)  # column 0 is centred on 0 s
    end = spans[-1][0] + spans[-1][1]
    assert 10.0 - 1e-9 <= end <= 10.0 + 512 / RATE


def test_the_visible_range_selects_the_tiles_under_it():
    grid = TileGrid(frames=60 * RATE, sample_rate=RATE, hop=512)
    seconds_per_tile = TILE_COLUMNS * 512 / RATE  # about 2.73 s
    assert list(grid.tiles_between(0.0, 1.0)) == [0]
    assert list(grid.tiles_between(seconds_per_tile * 2.5, seconds_per_tile * 4.2)) == [2, 3, 4]
    assert list(grid.tiles_between(-100.0, 1000.0)) == list(range(grid.tiles))
    assert list(grid.tiles_between(70.0, 80.0)) == []  # past the end
    assert list(TileGrid(0, RATE, 512).tiles_between(0.0, 1.0)) == []


def key(index):
    return TileKey(0, SpectrogramSettings(), 512, index)


def tile(columns=256, rows=256):
    return np.zeros((columns, rows), np.uint8)


def test_the_cache_forgets_the_least_recently_used_tile_beyond_its_byte_budget():
    cache = TileCache(max_bytes=3 * 256 * 256)
    for i in range(3):
        cache.put(key(i), tile())
    assert cache.get(key(0)) is not None  # tile 0 is now the most recent
    cache.put(key(3), tile())
    assert key(1) not in cache
    assert all(key(i) in cache for i in (0, 2, 3))
    assert cache.bytes_used == 3 * 256 * 256


def test_one_big_tile_evicts_several_small_ones():
    cache = TileCache(max_bytes=4 * 256 * 64)
    for i in range(4):
        cache.put(key(i), tile(columns=64))
    cache.put(key(9), tile(columns=192))
    assert [i for i in range(4) if key(i) in cache] == [3]
    assert cache.bytes_used <= cache.max_bytes


def test_putting_the_same_key_again_does_not_count_twice():
    cache = TileCache(max_bytes=10 * 256 * 256)
    cache.put(key(0), tile())
    cache.put(key(0), tile())
    assert len(cache) == 1 and cache.bytes_used == 256 * 256
    cache.clear()
    assert len(cache) == 0 and cache.bytes_used == 0 and cache.get(key(0)) is None


def test_tile_keys_differ_by_revision_settings_hop_and_index():
    base = TileKey(1, SpectrogramSettings(), 512, 3)
    assert base == TileKey(1, SpectrogramSettings(), 512, 3)
    assert len({base, TileKey(2, SpectrogramSettings(), 512, 3),
                TileKey(1, SpectrogramSettings(scale="mel"), 512, 3),
                TileKey(1, SpectrogramSettings(), 1024, 3),
                TileKey(1, SpectrogramSettings(), 512, 4)}) == 5


def test_squeezing_rows_onto_fewer_pixels_keeps_a_one_row_line():
    tile = np.zeros((5, 256), np.uint8)
    for column, row in enumerate([0, 97, 128, 200, 255]):
        tile[column, row] = 250
    pooled = pool_rows(tile, 220)
    assert pooled.shape == (5, 220)
    assert (pooled.max(axis=1) == 250).all()
    rows = np.argmax(pooled, axis=1)
    assert np.all(np.abs(rows / 220 - np.array([0, 97, 128, 200, 255]) / 256) < 2 / 220)


def test_a_tile_that_fits_is_not_squeezed():
    tile = np.ones((3, 64), np.uint8)
    assert pool_rows(tile, 64) is tile and pool_rows(tile, 500) is tile

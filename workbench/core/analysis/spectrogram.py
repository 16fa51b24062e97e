"""Spectrogram images for display, computed in tiles of columns.

A spectrogram column is the power spectrum of one centred frame, mapped to
`settings.rows` display rows on a linear, log or mel frequency scale and
quantised to uint8 levels: level 0 is `-db_range` dBFS or quieter, level 255
is 0 dBFS, the level of a full-scale sine.  A colormap's 256-entry lookup
table (core/analysis/colormaps.py) turns levels into colours when drawing, so
changing the colormap never recomputes anything.

Time resolution follows the zoom: a view asks for columns every `hop`
frames, where hop is settings.hop * 2**k (see choose_hop).  Column c is
centred on frame c * hop and drawn over [(c - 1/2) hop, (c + 1/2) hop) /
sample_rate seconds.  Columns are grouped into tiles of TILE_COLUMNS so that
scrolling reuses cached work (TileGrid, TileKey, TileCache).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from workbench.core.analysis.colormaps import COLORMAP_NAMES
from workbench.core.analysis.frequency_scale import (
    SCALES,
    frequency_to_position,
    position_to_frequency,
    row_mapping,
)
from workbench.core.analysis.stft import WINDOWS, analysis_window, magnitude_spectrum, read_frames
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import CancelToken, Task, TaskGenerator, run_to_completion

TILE_COLUMNS = 256
DEFAULT_CACHE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class SpectrogramSettings:
    """What the user chose for the spectrogram.  Immutable, hashable."""

    window_length: int = 2048
    window: str = "hann"
    hop: int = 512
    db_range: float = 90.0
    scale: str = "log"
    colormap: str = "magma"
    channel: int | None = None  # None: the mean of all channels
    rows: int = 256

    def __post_init__(self) -> None:
        if self.window_length < 16:
            raise ValueError("window length must be at least 16 samples")
        if self.hop < 1:
            raise ValueError("hop must be at least one sample")
        if not self.db_range > 0:
            raise ValueError("dB range must be positive")
        if self.window not in WINDOWS:
            raise ValueError(f"unknown window {self.window!r}; choose one of {WINDOWS}")
        if self.scale not in SCALES:
            raise ValueError(f"unknown scale {self.scale!r}; choose one of {SCALES}")
        if self.colormap not in COLORMAP_NAMES:
            raise ValueError(f"unknown colormap {self.colormap!r}")
        if self.channel is not None and self.channel < 0:
            raise ValueError("channel index must not be negative")
        if self.rows < 2:
            raise ValueError("a spectrogram needs at least two rows")

    def without_colormap(self) -> SpectrogramSettings:
        """These settings minus the colormap, which only matters when drawing.

        Tiles computed for two settings that differ only in colormap are the
        same, so this is what cache keys hold.
        """
        return replace(self, colormap=SpectrogramSettings.colormap)


def row_to_frequency(row, settings: SpectrogramSettings, sample_rate: float):
    """Frequency in Hz at image y coordinate `row` (row r spans [r, r + 1))."""
    hz = position_to_frequency(np.asarray(row, dtype=np.float64) / settings.rows,
                               settings.scale, sample_rate)
    return float(hz) if np.ndim(hz) == 0 else hz


def frequency_to_row(frequency, settings: SpectrogramSettings, sample_rate: float):
    """Image y coordinate of `frequency` Hz; the inverse of row_to_frequency."""
    row = frequency_to_position(frequency, settings.scale, sample_rate) * settings.rows
    return float(row) if np.ndim(row) == 0 else row


def choose_hop(hop: int, visible_frames: float, width_px: float) -> int:
    """The smallest hop * 2**k that needs at most one column per pixel."""
    frames_per_pixel = visible_frames / max(width_px, 1.0)
    effective = hop
    while effective < frames_per_pixel:
        effective *= 2
    return effective


@dataclass(frozen=True)
class TileGrid:
    """How `frames` frames at one effective hop divide into columns and tiles."""

    frames: int
    sample_rate: float
    hop: int

    @property
    def columns(self) -> int:
        """Columns whose centre lies inside the audio."""
        return -(-self.frames // self.hop)

    @property
    def tiles(self) -> int:
        return -(-self.columns // TILE_COLUMNS)

    def tile_columns(self, tile_index: int) -> tuple[int, int]:
        """(first column, number of columns) of a tile; the last one may be short."""
        first = tile_index * TILE_COLUMNS
        return first, max(0, min(TILE_COLUMNS, self.columns - first))

    def tiles_between(self, start_s: float, stop_s: float) -> range:
        """Indices of the tiles drawn anywhere in [start_s, stop_s] seconds."""
        if self.columns == 0 or stop_s < start_s:
            return range(0)
        to_column = self.sample_rate / self.hop
        first = math.floor(start_s * to_column + 0.5)
        last = math.floor(stop_s * to_column + 0.5)
        first, last = max(first, 0), min(last, self.columns - 1)
        if first > last:
            return range(0)
        return range(first // TILE_COLUMNS, last // TILE_COLUMNS + 1)

    def tile_time_span(self, tile_index: int) -> tuple[float, float]:
        """(start, duration) in seconds of the area a tile is drawn over."""
        first, count = self.tile_columns(tile_index)
        seconds_per_column = self.hop / self.sample_rate
        return (first - 0.5) * seconds_per_column, count * seconds_per_column


@dataclass(frozen=True)
class TileKey:
    """Names one tile's contents exactly.

    `revision` is the revision of the samples the tile was computed from,
    `settings` comes from SpectrogramSettings.without_colormap().
    """

    revision: int
    settings: SpectrogramSettings
    hop: int
    tile_index: int


def _magnitude_to_levels(magnitude: np.ndarray, db_range: float) -> np.ndarray:
    """Map magnitudes (1 = full-scale sine) to uint8 levels over [-db_range, 0] dB."""
    floor = np.float32(10.0 ** (-(db_range + 10.0) / 20.0))  # below the darkest level
    np.maximum(magnitude, floor, out=magnitude)
    levels = np.log(magnitude)  # natural log: faster than log10 in numpy
    levels *= np.float32(20.0 / np.log(10.0) * 255.0 / db_range)
    levels += np.float32(255.5)  # +0.5 so that the cast below rounds
    np.clip(levels, 0.0, 255.5, out=levels)
    return levels.astype(np.uint8)


def iter_tile(samples: BlockSequence, sample_rate: float, settings: SpectrogramSettings,
              hop: int, first_column: int, n_columns: int,
              cancel: CancelToken) -> TaskGenerator:
    """The task behind compute_tile.

    It yields nothing: a tile takes milliseconds, and a progress report would
    only wake the GUI thread in the middle of it.  It checks `cancel` before
    reading and again before transforming.
    """
    yield from ()  # a task is a generator (core/jobs.py)
    cancel.check()
    if n_columns <= 0:
        return np.zeros((0, settings.rows), dtype=np.uint8)
    frames = read_frames(samples, first_column * hop, hop, n_columns,
                         settings.window_length, settings.channel)
    cancel.check()
    magnitude = magnitude_spectrum(frames,
                                   analysis_window(settings.window, settings.window_length))
    mapping = row_mapping(settings.window_length, settings.scale, settings.rows,
                          float(sample_rate))
    levels = _magnitude_to_levels(mapping.apply(magnitude), settings.db_range)
    # (rows, columns) in memory, handed out as its (columns, rows) transpose:
    # that is the layout pyqtgraph's col-major ImageItem converts without a copy.
    return levels.T


def tile_task(samples: BlockSequence, sample_rate: float, settings: SpectrogramSettings,
              hop: int, first_column: int, n_columns: int) -> Task:
    """compute_tile packaged as a job-runner task (see core/jobs.py)."""
    return partial(iter_tile, samples, sample_rate, settings, hop, first_column, n_columns)


def compute_tile(samples: BlockSequence, sample_rate: float, settings: SpectrogramSettings,
                 hop: int, first_column: int, n_columns: int,
                 cancel: CancelToken | None = None) -> np.ndarray:
    """Levels of columns [first_column, first_column + n_columns) at `hop`.

    Returns uint8 (n_columns, settings.rows); row 0 is the lowest frequency.
    The array is the transpose of a C-contiguous (rows, n_columns) one.
    Reads only the frames those columns need.  Raises Cancelled when
    `cancel` is set before the work is done.
    """
    task = tile_task(samples, sample_rate, settings, hop, first_column, n_columns)
    return run_to_completion(task, cancel)


def pool_rows(tile: np.ndarray, out_rows: int) -> np.ndarray:
    """A tile (columns, rows) squeezed to `out_rows` rows, each the max of the rows it covers.

    For drawing a tile on fewer screen pixels than it has rows: scaled by
    the painter, a one-row tone would vanish from every column where its row
    falls between two pixels.  A tile that already fits is returned as is.
    """
    rows = tile.shape[1]
    if out_rows >= rows:
        return tile
    starts = (np.arange(max(out_rows, 1)) * rows) // max(out_rows, 1)
    return np.maximum.reduceat(tile, starts, axis=1)


class TileCache:
    """Least-recently-used tiles, bounded by the bytes they hold.

    Not thread-safe: one owner (a view, on the GUI thread) puts and gets.
    Stored tiles are made read-only, since they are shared with images.
    """

    def __init__(self, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._tiles: OrderedDict[TileKey, np.ndarray] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._tiles)

    def __contains__(self, key: TileKey) -> bool:
        return key in self._tiles

    @property
    def bytes_used(self) -> int:
        return self._bytes

    def get(self, key: TileKey) -> np.ndarray | None:
        """The tile for `key` (now the most recently used), or None."""
        tile = self._tiles.get(key)
        if tile is not None:
            self._tiles.move_to_end(key)
        return tile

    def put(self, key: TileKey, tile: np.ndarray) -> None:
        """Store a tile, evicting the least recently used ones beyond max_bytes."""
        if key in self._tiles:
            self._bytes -= self._tiles.pop(key).nbytes
        tile.setflags(write=False)
        self._tiles[key] = tile
        self._bytes += tile.nbytes
        while self._bytes > self.max_bytes and self._tiles:
            _, evicted = self._tiles.popitem(last=False)
            self._bytes -= evicted.nbytes

    def clear(self) -> None:
        self._tiles.clear()
        self._bytes = 0

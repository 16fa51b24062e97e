"""The spectrogram of one track, drawn as cached tiles over the visible time range.

x is time in seconds (shared with every other timeline view), y is display
rows 0..settings.rows, labelled in Hz by FrequencyAxisItem.  On every change
of range, width, settings or samples the view works out which tiles the
visible range needs at the current zoom (core/analysis/spectrogram.py), draws those
already cached at once and submits the others to the job runner's CPU pool.
Until a zoom or an edit has all its new tiles, the previous ones stay on
screen underneath, so the picture never flashes black.
"""

from __future__ import annotations

from dataclasses import replace

import pyqtgraph as pg
import shiboken6
from PySide6.QtCore import QRectF, QTimer, Signal

from workbench.core.analysis.colormaps import colormap_lut
from workbench.core.analysis.frequency_scale import format_frequency, frequency_ticks
from workbench.core.analysis.spectrogram import (
    SpectrogramSettings,
    TileCache,
    TileGrid,
    TileKey,
    choose_hop,
    frequency_to_row,
    pool_rows,
    row_to_frequency,
    tile_task,
)
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.document import Document
from workbench.core.jobs import JobRequest
from workbench.runtime.job_runner import JobHandle, JobRunner
from workbench.ui.timeline.waveform_view import quiet_axes

TILE_JOB_KIND = "spectrogram-tile"
PLACEHOLDER_Z = -1.0  # tiles of the previous zoom or revision, drawn under the new ones


class FrequencyAxisItem(pg.AxisItem):
    """A left axis over spectrogram rows whose ticks sit at round frequencies."""

    def __init__(self, **kwargs) -> None:
        super().__init__("left", **kwargs)
        self.setStyle(maxTextLevel=0)  # label the majors only
        self._settings = SpectrogramSettings()
        self._sample_rate = 48000.0

    def set_frequency_scale(self, settings: SpectrogramSettings, sample_rate: float) -> None:
        self._settings, self._sample_rate = settings, float(sample_rate)
        self.picture = None  # pyqtgraph's cached drawing of the ticks
        self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float):  # noqa: N802, N803
        rows = self._settings.rows
        major, minor = frequency_ticks(self._settings.scale, self._sample_rate,
                                       minVal / rows, maxVal / rows, size)

        def to_rows(hz):
            return [frequency_to_row(f, self._settings, self._sample_rate) for f in hz]

        return [(1.0, to_rows(major)), (0.5, to_rows(minor))]

    def tickStrings(self, values, scale, spacing):  # noqa: N802
        hz = row_to_frequency(list(values), self._settings, self._sample_rate)
        # Rows map back to 999.9999 Hz; four significant digits restore 1000.
        return [format_frequency(float(f"{f:.4g}")) for f in hz]


class SpectrogramView(pg.PlotItem):
    """Spectrogram of track `track` of a Document.

    GUI thread only.  The view owns its TileCache and image items; the
    document and the runner belong to the caller.  Tiles are computed by the
    runner's CPU pool on immutable sample snapshots; results arrive through
    JobHandle signals on the GUI thread and are dropped if the samples or
    settings changed meanwhile.  The view listens to the document's
    `changed` event until set_document(None) or, if it is deleted with its
    widget first, until the next event, which finds it gone.
    """

    drawing_finished = Signal()  # every tile of the current view is on screen

    def __init__(self, runner: JobRunner, view_box: pg.ViewBox | None = None,
                 track: int = 0, cache: TileCache | None = None, **kwargs) -> None:
        if view_box is None:
            view_box = pg.ViewBox(enableMenu=False, enableMouse=False)
        self.frequency_axis = FrequencyAxisItem()
        axis_items = {"left": self.frequency_axis, **kwargs.pop("axisItems", {})}
        super().__init__(viewBox=view_box, axisItems=axis_items, **kwargs)
        self.hideButtons()
        self.setMenuEnabled(False)
        self.hideAxis("bottom")  # the shared time ruler is drawn elsewhere
        quiet_axes(self)
        self._runner = runner
        self._track = track
        self._cache = cache if cache is not None else TileCache()
        self._settings = SpectrogramSettings()
        self._document: Document | None = None
        self._samples: BlockSequence | None = None
        self._sample_rate = 0
        self._samples_revision = 0  # document revision at which the samples last changed
        self._images: dict[TileKey, pg.ImageItem] = {}
        self._jobs: dict[JobHandle, TileKey] = {}
        self._abandoned: set[JobHandle] = set()  # cancelled by us: scrolled out of view
        self._needed: set[TileKey] = set()
        self._missing: set[TileKey] = set()
        self._unavailable: set[TileKey] = set()  # failed or cancelled by someone else
        self._announced = True
        self._display_rows = self._settings.rows  # rows the images hold (see _show_tile)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(0)  # coalesce a burst of range changes into one pass
        self._refresh_timer.timeout.connect(self._refresh)
        self.vb.sigXRangeChanged.connect(self._on_view_box_changed)
        self.vb.sigResized.connect(self._on_view_box_changed)
        self._apply_settings_to_axes()

    # -- public API --------------------------------------------------------
    @property
    def settings(self) -> SpectrogramSettings:
        return self._settings

    @property
    def document(self) -> Document | None:
        return self._document

    def set_document(self, document: Document | None) -> None:
        """Show `document` (None: nothing); forgets every tile of the previous one."""
        if self._document is not None:
            self._document.changed.disconnect(self._on_document_event)
        self._document = document
        # Forget the old document's jobs outright: revisions restart at 0 in
        # every document, so their keys could pass for the new one's.
        for handle in self._jobs:
            handle.cancel()
        self._jobs.clear()
        self._abandoned.clear()
        self._cache.clear()
        self._remove_images(list(self._images))
        self._samples = None
        if document is not None:
            document.changed.connect(self._on_document_event)
        self._on_document_changed()

    def set_settings(self, settings: SpectrogramSettings) -> None:
        """Use new settings; a colormap change recolours without recomputing."""
        old, self._settings = self._settings, settings
        if settings.colormap != old.colormap:
            lut = colormap_lut(settings.colormap)
            for image in self._images.values():
                image.setLookupTable(lut)
        if settings.without_colormap() != old.without_colormap():
            self._unavailable.clear()
            self._apply_settings_to_axes()
            self._schedule_refresh()

    @property
    def tiles_on_screen(self) -> dict[TileKey, pg.ImageItem]:
        """The tiles drawn now (including placeholders under a pending view)."""
        return dict(self._images)

    def frequency_at(self, y_view: float) -> float:
        """Frequency in Hz at height `y_view` (in rows), e.g. under the mouse."""
        rate = self._sample_rate or 48000
        return row_to_frequency(min(max(y_view, 0.0), self._settings.rows), self._settings, rate)

    def is_idle(self) -> bool:
        """True when every tile of the current view is drawn (or cannot be)."""
        return not self._refresh_timer.isActive() and not self._missing

    # -- events ------------------------------------------------------------
    def _on_view_box_changed(self, *_args) -> None:
        self._schedule_refresh()

    def _on_document_event(self) -> None:
        if not shiboken6.isValid(self):  # deleted with its widget: stop listening
            self._document.changed.disconnect(self._on_document_event)
            self._document = None
            return
        self._on_document_changed()

    def _on_document_changed(self) -> None:
        doc = self._document
        samples = None
        if doc is not None and self._track < len(doc.tracks):
            samples = doc.tracks[self._track].samples
        rate = doc.sample_rate if doc is not None else 0
        if samples is self._samples and rate == self._sample_rate:
            return  # labels or other content changed; the picture did not
        self._samples, self._sample_rate = samples, rate
        self._samples_revision = doc.revision if doc is not None else 0
        self._cache.clear()  # revisions only grow: old tiles can never match again
        self._unavailable.clear()
        self._apply_settings_to_axes()
        self._schedule_refresh()

    def _on_tile_job_ended(self) -> None:
        for handle in [h for h in self._jobs if h.done]:
            key = self._jobs.pop(handle)
            abandoned = handle in self._abandoned
            self._abandoned.discard(handle)
            if handle.state == "finished":
                self._accept_tile(key, handle.result)
            elif not abandoned and key in self._missing:
                self._unavailable.add(key)  # failure or cancel_all: don't retry in a loop
                self._missing.discard(key)
        self._prune_images()
        self._announce_if_idle()

    # -- drawing -----------------------------------------------------------
    def _schedule_refresh(self) -> None:
        self._announced = False
        self._refresh_timer.start()

    def _analysis_settings(self) -> SpectrogramSettings:
        """The settings tiles are computed with: colormap-free, channel valid."""
        settings = self._settings.without_colormap()
        if settings.channel is not None and (
                self._samples is None or settings.channel >= self._samples.channels):
            settings = replace(settings, channel=None)
        return settings

    def _refresh(self) -> None:
        self._fit_images_to_height()
        self._missing.clear()
        needed = self._needed_keys()
        self._cancel_jobs(needed)
        in_flight = {k for h, k in self._jobs.items() if h not in self._abandoned}
        for key in sorted(needed, key=lambda k: k.tile_index):
            if key in self._images:
                continue
            tile = self._cache.get(key)
            if tile is not None:
                self._show_tile(key, tile)
            elif key not in self._unavailable:
                self._missing.add(key)
                if key not in in_flight:
                    self._submit(key)
        self._needed = needed
        self._prune_images()
        self._announce_if_idle()

    def _needed_keys(self) -> set[TileKey]:
        if self._samples is None or self._samples.frames == 0:
            return set()
        (t0, t1) = self.vb.viewRange()[0]
        hop = choose_hop(self._settings.hop, (t1 - t0) * self._sample_rate, self.vb.width())
        grid = TileGrid(self._samples.frames, self._sample_rate, hop)
        settings = self._analysis_settings()
        return {TileKey(self._samples_revision, settings, hop, i)
                for i in grid.tiles_between(t0, t1)}

    def _submit(self, key: TileKey) -> None:
        grid = TileGrid(self._samples.frames, self._sample_rate, key.hop)
        first, count = grid.tile_columns(key.tile_index)
        request = JobRequest(TILE_JOB_KIND, f"Spectrogram tile {key.tile_index}",
                             lane="cpu", revision=self._document.revision,
                             target=self._document.title,
                             params={"tile": key.tile_index, "hop": key.hop})
        task = tile_task(self._samples, self._sample_rate, key.settings, key.hop, first, count)
        handle = self._runner.submit(request, task)
        self._jobs[handle] = key
        handle.ended.connect(self._on_tile_job_ended)

    def _cancel_jobs(self, keep: set[TileKey]) -> None:
        for handle, key in self._jobs.items():
            if key not in keep and handle not in self._abandoned:
                handle.cancel()
                self._abandoned.add(handle)

    def _accept_tile(self, key: TileKey, tile) -> None:
        current = (key.revision == self._samples_revision
                   and key.settings == self._analysis_settings())
        if not current:
            return  # stale: computed from samples or settings that are gone
        self._cache.put(key, tile)
        if key in self._needed and key not in self._images:
            self._show_tile(key, tile)
        self._missing.discard(key)

    def _fit_images_to_height(self) -> None:
        """Squeeze images to the view's pixel height when it has fewer pixels than rows.

        The painter scales images by picking rows, so between one and two
        rows per pixel a narrow tone would vanish from some columns.
        """
        widget = self.getViewWidget()
        pixel_rows = int(self.vb.height() * (widget.devicePixelRatioF() if widget else 1.0))
        display_rows = min(self._settings.rows, pixel_rows) if pixel_rows > 0 else self._settings.rows
        if display_rows == self._display_rows:
            return
        self._display_rows = display_rows
        for key, image in self._images.items():
            tile = self._cache.get(key)
            if tile is not None:  # placeholders no longer cached keep their rows
                # setRect scales by the image's size at the time: with fewer rows the
                # old scale would draw the tile shorter than its place, so set it again.
                rect = image.mapRectToParent(image.boundingRect())
                image.setImage(pool_rows(tile, display_rows), autoLevels=False)
                image.setRect(rect)

    def _show_tile(self, key: TileKey, tile) -> None:
        start, duration = TileGrid(self._samples.frames, self._sample_rate,
                                   key.hop).tile_time_span(key.tile_index)
        image = pg.ImageItem(axisOrder="col-major")
        image.setImage(pool_rows(tile, self._display_rows), autoLevels=False, levels=(0, 255),
                       lut=colormap_lut(self._settings.colormap))
        image.setRect(QRectF(start, 0.0, duration, float(key.settings.rows)))
        self.addItem(image, ignoreBounds=True)
        self._images[key] = image

    def _prune_images(self) -> None:
        """Drop images outside the view; keep same-settings ones under a pending view."""
        settings = self._analysis_settings()
        for key, image in self._images.items():
            image.setZValue(0.0 if key in self._needed else PLACEHOLDER_Z)
        self._remove_images([k for k in self._images if k not in self._needed and (
            not self._missing or k.settings != settings)])

    def _remove_images(self, keys) -> None:
        for key in keys:
            self.removeItem(self._images.pop(key))

    def _announce_if_idle(self) -> None:
        if self.is_idle() and not self._announced:
            self._announced = True
            self.drawing_finished.emit()

    def _apply_settings_to_axes(self) -> None:
        rate = self._sample_rate or 48000
        self.frequency_axis.set_frequency_scale(self._settings, rate)
        self.vb.setYRange(0.0, float(self._settings.rows), padding=0.0)

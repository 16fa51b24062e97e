"""Colour lookup tables for spectrogram levels."""

import numpy as np
import pytest

from workbench.core.analysis.colormaps import COLORMAP_NAMES, colormap_lut


def lightness(lut):
    """CIE L* (0..100) of the sRGB entries."""
    c = lut[:, :3] / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return 116.0 * np.cbrt(linear @ np.array([0.2126, 0.7152, 0.0722])) - 16.0


@pytest.mark.parametrize("name", COLORMAP_NAMES)
def test_every_colormap_is_256_opaque_rgba_entries(name):
    lut = colormap_lut(name)
    assert lut.shape == (256, 4) and lut.dtype == np.uint8
    assert (lut[:, 3] == 255).all()


@pytest.mark.parametrize("name", COLORMAP_NAMES)
def test_louder_levels_are_never_visibly_darker(name):
    # 8-bit rounding leaves viridis two dips of 0.04 L*; one L* is a just
    # noticeable difference, so allow a tenth of that.
    steps = np.diff(lightness(colormap_lut(name)))
    assert steps.min() > -0.1
    assert lightness(colormap_lut(name))[-1] - lightness(colormap_lut(name))[0] > 60


def test_greyscale_runs_from_black_to_white_in_grey():
    lut = colormap_lut("greyscale")
    assert tuple(lut[0, :3]) == (0, 0, 0) and tuple(lut[255, :3]) == (255, 255, 255)
    assert (lut[:, 0] == lut[:, 1]).all() and (lut[:, 1] == lut[:, 2]).all()
    assert np.all(np.diff(lightness(lut)) > 0)


def test_magma_matches_its_published_end_colours():
    lut = colormap_lut("magma")
    assert tuple(lut[0, :3]) == (0, 0, 4)
    assert tuple(lut[255, :3]) == (252, 253, 191)


def test_an_unknown_colormap_is_refused():
    with pytest.raises(ValueError):
        colormap_lut("rainbow")

"""Colour lookup tables for images drawn from uint8 levels (spectrograms).

The perceptual maps are magma and viridis by Nathaniel J. Smith, Stefan van
der Walt and Eric Firing, released under CC0.  Instead of their 256-entry
tables we keep 33 evenly spaced control points per map and interpolate
linearly in RGB; the result is within 2/255 of the original tables in every
channel, which no eye can tell apart, and it needs no matplotlib.
"""

from __future__ import annotations

from functools import cache

import numpy as np

# 33 colours at positions 0, 1/32, ..., 1 as RRGGBB hex.
_CONTROL_POINTS = {
    "magma": (
        "000004 030311 0a0822 130d33 1d1146 28115a 36106a 430f76 50127c 5d177f 691c81 "
        "762181 822681 8f2a81 9c2e7f a9327d b63779 c33b75 cf4170 db486a e65163 ee5c5e "
        "f5695c f9785d fb8761 fd9668 fea571 feb47b fec387 fed194 fde0a2 fceeb0 fcfdbf"
    ),
    "viridis": (
        "440154 470d60 48186a 482374 472d7b 453681 424086 3f4989 3b528b 375a8d 33638d "
        "2f6a8e 2c728e 297a8e 26818e 23898e 21908c 1f988b 1f9f88 21a685 28ae80 31b57b "
        "3ebc74 4cc26c 5dc963 6ece58 82d34c 96d83f abdc32 c0df24 d5e21a eae51a fde725"
    ),
    "greyscale": "000000 ffffff",
}

COLORMAP_NAMES: tuple[str, ...] = tuple(_CONTROL_POINTS)


def _parse_hex_colours(text: str) -> np.ndarray:
    """'rrggbb rrggbb ...' -> (n, 3) float array of 0..255 values."""
    return np.array([[int(h[i : i + 2], 16) for i in (0, 2, 4)] for h in text.split()],
                    dtype=np.float64)


@cache
def colormap_lut(name: str) -> np.ndarray:
    """The 256-entry RGBA lookup table (256 x 4, uint8) of the named colormap.

    Level 0 (the quietest) is the first entry.  The array is read-only and
    shared between callers, so it can be handed to every image unchanged.
    """
    try:
        points = _parse_hex_colours(_CONTROL_POINTS[name])
    except KeyError:
        raise ValueError(f"unknown colormap {name!r}; choose one of {COLORMAP_NAMES}") from None
    positions = np.linspace(0.0, 1.0, len(points))
    levels = np.linspace(0.0, 1.0, 256)
    lut = np.empty((256, 4), dtype=np.uint8)
    for channel in range(3):
        lut[:, channel] = np.round(np.interp(levels, positions, points[:, channel]))
    lut[:, 3] = 255
    lut.setflags(write=False)
    return lut

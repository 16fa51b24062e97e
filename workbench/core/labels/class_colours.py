"""One colour per sound class, the same in the class timeline, the segments and the inspector.

Plain RGB tuples (core holds no Qt types); a label without a fixed colour gets
one from a spare palette: given the model's labels, its own classes take the
spare colours in order (so "whistle" and "clap" never share one); alone, a
stable hash of its name picks one.
"""

from __future__ import annotations

import zlib

CLASS_COLOURS: dict[str, tuple[int, int, int]] = {
    "speech": (66, 165, 245),   # blue
    "music": (186, 104, 200),   # violet
    "noise": (255, 167, 38),    # orange
    "tone": (102, 187, 106),    # green
    "silence": (144, 150, 160),  # grey
}
_SPARE = ((239, 83, 80), (255, 238, 88), (38, 198, 218), (141, 110, 99), (236, 64, 122))
UNCERTAIN_COLOUR = (255, 255, 255)


def class_colour(label: str, labels: tuple[str, ...] | list[str] = ()) -> tuple[int, int, int]:
    """The RGB colour of ``label``, one of a model's ``labels`` (when given)."""
    if label in CLASS_COLOURS:
        return CLASS_COLOURS[label]
    own = [lab for lab in labels if lab not in CLASS_COLOURS]
    if label in own:
        return _SPARE[own.index(label) % len(_SPARE)]
    return _SPARE[zlib.crc32(label.encode()) % len(_SPARE)]

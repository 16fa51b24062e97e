"""The attenuation limit as a gain floor, shared by the enhance task and the separators."""

from __future__ import annotations

import math


def min_gain(params: dict) -> float:
    """The gain floor for ``params["attenuation_limit_db"]`` (how far noise may be pushed
    down; absent or infinite: no limit)."""
    limit = float(params.get("attenuation_limit_db", math.inf))
    return 0.0 if math.isinf(limit) else 10 ** (-abs(limit) / 20)

"""All noise textures and room tones by name: ``render_texture(name, rng, sample_rate, n)``.

Textures come back at unit RMS (float64).  The older generators of
``synth.noise`` (rain, fan, keyboard, babble, hum) are textures here too.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from workbench.training.synth import noise
from workbench.training.synth.ambience import (
    colours,
    crackle,
    crowd,
    machines,
    randomized,
    room_tone,
    weather,
)


def _legacy(maker) -> Callable[[np.random.Generator, int, int], np.ndarray]:
    def render(rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
        return np.asarray(maker(rng, sample_rate, n / sample_rate), dtype=np.float64)[:n]
    return render


NOISE_TEXTURES: dict[str, Callable[[np.random.Generator, int, int], np.ndarray]] = {
    "colour": colours.coloured, "band": colours.band,
    "wind": weather.wind, "surf": weather.surf, "rain": _legacy(noise.rain_noise),
    "traffic": machines.traffic, "engine": machines.engine, "hvac": machines.hvac,
    "fan": _legacy(noise.fan_noise), "keyboard": _legacy(noise.keyboard_clicks),
    "babble": _legacy(noise.babble_noise), "murmur": crowd.murmur,
    "vinyl": crackle.vinyl, "electric": crackle.electric, "hum": _legacy(noise.mains_hum),
    # Last, so the names before it keep their places (evaluation seeds follow this order).
    "random_texture": randomized.random_texture,
}
ROOM_TONES: dict[str, Callable[[np.random.Generator, int, int], np.ndarray]] = {
    "hum_and_hiss": room_tone.hum_and_hiss, "hiss": room_tone.hiss, "mains_hum": room_tone.hum,
    "ventilated": room_tone.ventilated,
}


def render_texture(name: str, rng: np.random.Generator, sample_rate: int, n: int) -> np.ndarray:
    """``n`` frames of the noise texture or room tone ``name`` at unit RMS."""
    maker = NOISE_TEXTURES.get(name) or ROOM_TONES.get(name)
    if maker is None:
        raise ValueError(f"unknown texture {name!r}; use one of "
                         f"{sorted(NOISE_TEXTURES) + sorted(ROOM_TONES)}")
    out = np.asarray(maker(rng, sample_rate, n), dtype=np.float64)
    return out / (np.sqrt(np.mean(out ** 2)) + 1e-12)

"""Build the lessons' own clips: ``python -m workbench.training.make_lesson_clips``.

Writes into ``resources/lessons/clips/`` (16 kHz mono, 16-bit FLAC, the
recognizer's and enhancer's own rate, so nothing is resampled on the way in):

- ``speech.flac``: one sentence from espeak-ng (en-us) between pauses of quiet
  room tone, for the CTC and recurrent-state lessons;
- ``speech-in-noise.flac``: the same sentence with a fan and a hiss 5 dB below
  it, running a second before and after the voice, for the enhancement lesson.

Fully synthetic and seeded (built on ``workbench.training.synth``, nothing is
downloaded): rerunning it with the same espeak-ng gives the same files.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import soundfile as sf

from workbench.core.paths import RESOURCES
from workbench.training.synth import noise
from workbench.training.synth.arrays import db_to_gain, fade, finish, normalize_rms, rms
from workbench.training.synth.speech import SpeechParams, Voice, synthesize_speech

SAMPLE_RATE = 16000
SEED = 13
SENTENCE = "seven little cats sat in the green garden"
VOICE, PARAMS = Voice("espeak-ng", "en-us"), SpeechParams(140, 50, 20)
PAUSE_S = 0.6  # room tone either side of the sentence
NOISE_PAD_S = 1.0  # the noise runs this long before and after the voice
SNR_DB = 5.0
ROOM_TONE_DB = -60.0
CLIPS_DIR = RESOURCES / "lessons" / "clips"


def _sentence() -> np.ndarray:
    clip = synthesize_speech(SENTENCE, SAMPLE_RATE, VOICE, PARAMS)
    return normalize_rms(clip.audio, -20.0, max_peak_db=-2.0)


def build_speech(rng: np.random.Generator, voice: np.ndarray) -> np.ndarray:
    """The sentence between pauses, over a quiet room-tone bed (silence is not zero)."""
    pad = np.zeros(int(PAUSE_S * SAMPLE_RATE))
    audio = np.concatenate([pad, voice, pad])
    return finish(audio + noise.brown_noise(rng, SAMPLE_RATE, len(audio) / SAMPLE_RATE,
                                            ROOM_TONE_DB)[:len(audio)])


def build_speech_in_noise(rng: np.random.Generator, voice: np.ndarray) -> np.ndarray:
    """The sentence with a fan and a hiss SNR_DB below it, measured where the voice is."""
    pad = int(NOISE_PAD_S * SAMPLE_RATE)
    padded = np.concatenate([np.zeros(pad), voice, np.zeros(pad)])
    seconds = len(padded) / SAMPLE_RATE
    fan = noise.fan_noise(rng, SAMPLE_RATE, seconds)[:len(padded)]
    hiss = noise.pink_noise(rng, SAMPLE_RATE, seconds)[:len(padded)]
    mixture = fan + 0.5 * hiss * rms(fan) / rms(hiss)  # the hiss shows above the fan's band
    under_voice = mixture[pad: pad + len(voice)]
    mixture *= rms(voice) / rms(under_voice) / db_to_gain(SNR_DB)
    audio = padded + fade(mixture, SAMPLE_RATE, 0.05, 0.05)
    return finish(audio * db_to_gain(-3.0) / np.max(np.abs(audio)))


def write_clips(directory: Path = CLIPS_DIR) -> list[Path]:
    """Build both clips and write them into ``directory``; returns their paths."""
    rng = np.random.default_rng(SEED)
    voice = _sentence()
    directory.mkdir(parents=True, exist_ok=True)
    clips = {"speech.flac": build_speech(rng, voice),
             "speech-in-noise.flac": build_speech_in_noise(rng, voice)}
    for name, audio in clips.items():
        sf.write(directory / name, audio, SAMPLE_RATE, format="FLAC", subtype="PCM_16")
    return [directory / name for name in clips]


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: ``python -m workbench.training.make_lesson_clips [--output DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=CLIPS_DIR,
                        help="folder for the clips (default: resources/lessons/clips)")
    for path in write_clips(parser.parse_args(argv).output):
        print(f"wrote {path} ({sf.info(str(path)).duration:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

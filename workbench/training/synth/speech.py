"""English speech from the espeak-ng and flite command-line synthesizers.

Both programs are deterministic, so a seeded choice of voice, rate, pitch and
word gap gives bit-identical audio.  Each clip carries the exact text spoken,
which is what the speech recognizer trains on.

espeak-ng is run as ``espeak-ng --stdout`` with the text on stdin (text that
starts with ``-`` is then not taken for an option); flite writes a WAV file
(``flite -f text -o file.wav``), and word gaps are SSML ``<break>`` elements
because flite has no word-gap option.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import soundfile as sf

from workbench.training.synth.arrays import Seed, as_generator, normalize_peak, resample
from workbench.training.synth.errors import SynthesisError
from workbench.training.synth.text import random_sentence

ESPEAK = "espeak-ng"
FLITE = "flite"
ENGINES = (ESPEAK, FLITE)

# English espeak-ng voices (not the mbrola ``mb-*`` ones, which need the separate
# mbrola program and databases) and the variants that keep speech intelligible.
ESPEAK_VOICES = (
    "en-gb", "en-us", "en-gb-scotland", "en-gb-x-gbclan", "en-gb-x-rp",
    "en-gb-x-gbcwmd", "en-029", "en-us-nyc",
)
ESPEAK_VARIANTS = (
    None, "m1", "m2", "m3", "m4", "m5", "m6", "m7",
    "f1", "f2", "f3", "f4", "f5", "croak", "whisper",
)
# flite's general voices and their natural mean pitch in Hz (measured), which the
# pitch setting scales.  ``awb_time`` is left out: it only speaks clock times.
FLITE_VOICES = {"kal": 91.0, "kal16": 91.0, "awb": 134.0, "rms": 99.0, "slt": 172.0}

_INSTALL_HINT = {ESPEAK: "apt-get install espeak-ng", FLITE: "apt-get install flite"}


@dataclass(frozen=True)
class Voice:
    """One synthesizer voice: ``engine`` is ``"espeak-ng"`` or ``"flite"``.

    ``variant`` is an espeak-ng voice variant such as ``"f3"`` or ``"croak"``
    (always ``None`` for flite).
    """

    engine: str
    name: str
    variant: str | None = None

    def __str__(self) -> str:
        suffix = f"+{self.variant}" if self.variant else ""
        return f"{self.engine}:{self.name}{suffix}"


@dataclass(frozen=True)
class SpeechParams:
    """How fast, how high and how spaced the voice speaks.

    ``rate_wpm``: words per minute (espeak-ng's default is 175).  ``pitch``:
    0-99 with 50 the voice's natural pitch (for flite, 0 and 99 are half an
    octave below and above).  ``word_gap_ms``: extra silence between words.
    flite's ``rms`` voice ignores pitch.
    """

    rate_wpm: int = 175
    pitch: int = 50
    word_gap_ms: int = 0


@dataclass(frozen=True)
class SpeechClip:
    """Synthesized speech: mono float32 ``audio`` and the exact ``text`` spoken."""

    audio: np.ndarray
    sample_rate: int
    text: str
    voice: Voice
    params: SpeechParams


def _require(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        raise SynthesisError(
            f"the speech synthesizer '{program}' was not found on PATH "
            f"(install it: {_INSTALL_HINT.get(program, program)})",
            program=program,
        )
    return path


def _run(command: list[str], program: str, stdin: str | None = None) -> bytes:
    try:
        done = subprocess.run(command, input=None if stdin is None else stdin.encode(),
                              capture_output=True, check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SynthesisError(f"running '{program}' failed: {exc}", program=program) from exc
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip()
        raise SynthesisError(f"'{program}' exited with status {done.returncode}: {detail}",
                             program=program)
    return done.stdout


def _read_wav(data: bytes | Path, program: str) -> tuple[np.ndarray, int]:
    try:
        audio, rate = sf.read(io.BytesIO(data) if isinstance(data, bytes) else data,
                              dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise SynthesisError(f"'{program}' produced unreadable audio: {exc}", program=program) from exc
    if audio.shape[0] == 0:
        raise SynthesisError(f"'{program}' produced no audio", program=program)
    return audio.mean(axis=1), rate


def _espeak(text: str, voice: Voice, params: SpeechParams) -> tuple[np.ndarray, int]:
    name = voice.name + (f"+{voice.variant}" if voice.variant else "")
    # espeak's -g unit is 10 ms at the default speed.
    command = [_require(ESPEAK), "--stdout", "--stdin", "-v", name, "-s", str(params.rate_wpm),
               "-p", str(params.pitch), "-g", str(int(round(params.word_gap_ms / 10)))]
    return _read_wav(_run(command, ESPEAK, stdin=text), ESPEAK)


def _flite(text: str, voice: Voice, params: SpeechParams) -> tuple[np.ndarray, int]:
    program = _require(FLITE)
    if voice.name not in FLITE_VOICES:
        raise SynthesisError(f"unknown flite voice {voice.name!r}; known: {sorted(FLITE_VOICES)}",
                             program=FLITE)
    f0 = FLITE_VOICES[voice.name] * 2.0 ** ((params.pitch - 50) / 99.0)
    stretch = 175.0 / params.rate_wpm
    with tempfile.TemporaryDirectory(prefix="workbench-flite-") as tmp:
        text_file, wav_file = Path(tmp) / "text.txt", Path(tmp) / "speech.wav"
        command = [program, "-voice", voice.name, "--setf", f"duration_stretch={stretch:.4f}",
                   "--setf", f"int_f0_target_mean={f0:.2f}"]
        if params.word_gap_ms > 0:
            pause = f' <break time="{int(params.word_gap_ms)}ms"/> '
            text_file.write_text(f"<speak>{pause.join(escape(w) for w in text.split())}</speak>")
            command.append("-ssml")
        else:
            text_file.write_text(text)
        _run(command + ["-f", str(text_file), "-o", str(wav_file)], FLITE)
        return _read_wav(wav_file, FLITE)


def _trim(audio: np.ndarray, sample_rate: int, margin_s: float = 0.05) -> np.ndarray:
    """Cut leading/trailing silence (below -50 dB of the peak) down to ``margin_s``."""
    loud = np.flatnonzero(np.abs(audio) > np.max(np.abs(audio)) * 10 ** (-50 / 20))
    if loud.size == 0:
        return audio
    margin = int(margin_s * sample_rate)
    return audio[max(0, loud[0] - margin): loud[-1] + margin + 1]


def synthesize_speech(text: str, sample_rate: int, voice: Voice = Voice(ESPEAK, "en-us"),
                      params: SpeechParams = SpeechParams(), peak_db: float = -3.0) -> SpeechClip:
    """Speak ``text`` with ``voice``; return audio at ``sample_rate``, peak at ``peak_db`` dBFS.

    Raises ``SynthesisError`` when the engine's program is missing or fails.
    """
    words = text.split()
    if not words:
        raise ValueError("there is no text to speak")
    spoken = " ".join(words)
    if voice.engine == ESPEAK:
        audio, rate = _espeak(spoken, voice, params)
    elif voice.engine == FLITE:
        audio, rate = _flite(spoken, voice, params)
    else:
        raise ValueError(f"unknown speech engine {voice.engine!r}; use one of {ENGINES}")
    audio = resample(_trim(audio, rate), rate, sample_rate)
    return SpeechClip(normalize_peak(audio, peak_db), sample_rate, spoken, voice, params)


def random_voice(seed: Seed, engines: tuple[str, ...] = ENGINES) -> Voice:
    """A random English voice from ``engines`` (each engine equally likely)."""
    rng = as_generator(seed)
    engine = str(rng.choice(list(engines)))
    if engine == ESPEAK:
        variant = ESPEAK_VARIANTS[int(rng.integers(len(ESPEAK_VARIANTS)))]
        return Voice(ESPEAK, str(rng.choice(ESPEAK_VOICES)), variant)
    if engine == FLITE:
        return Voice(FLITE, str(rng.choice(list(FLITE_VOICES))))
    raise ValueError(f"unknown speech engine {engine!r}; use one of {ENGINES}")


def random_params(seed: Seed) -> SpeechParams:
    """Random but natural-sounding rate (130-210 wpm), pitch (30-70) and word gap (0-60 ms)."""
    rng = as_generator(seed)
    gap = 0 if rng.random() < 0.5 else int(rng.integers(10, 61))
    return SpeechParams(int(rng.integers(130, 211)), int(rng.integers(30, 71)), gap)


def random_speech(seed: Seed, sample_rate: int, text: str | None = None,
                  engines: tuple[str, ...] = ENGINES) -> SpeechClip:
    """Speak ``text`` (or a random sentence from ``text.random_sentence``) in a random voice."""
    rng = as_generator(seed)
    if text is None:
        text = random_sentence(rng)
    return synthesize_speech(text, sample_rate, random_voice(rng, engines), random_params(rng))


def installed_voices(engine: str) -> set[str]:
    """Voice names (espeak-ng: languages and ``+variant`` names) this machine's engine has."""
    if engine == ESPEAK:
        voices = _run([_require(ESPEAK), "--voices=en"], ESPEAK).decode()
        variants = _run([_require(ESPEAK), "--voices=variant"], ESPEAK).decode()
        names = {line.split()[1] for line in voices.splitlines()[1:] if " mb/" not in line}
        names |= {"+" + line.split("!v/")[1].split()[0] for line in variants.splitlines()
                  if "!v/" in line}
        return names
    if engine == FLITE:
        listing = _run([_require(FLITE), "-lv"], FLITE).decode()
        return set(listing.split(":", 1)[1].split())
    raise ValueError(f"unknown speech engine {engine!r}; use one of {ENGINES}")

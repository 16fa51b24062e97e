"""Build the bundled demo recording: ``python -m workbench.training.make_demo``.

Writes ``resources/demo/demo.flac`` (about 20 s, 44.1 kHz, stereo, 16-bit) and
``resources/demo/demo.txt`` (Audacity labels: start, end, text separated by
tabs).  Every label text starts with the sound class the audio classifier
knows (speech, music, noise, tone, silence); speech labels end with the exact
words spoken after ``": "``.  The build is deterministic: the same programs
give the same file.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from workbench.core.paths import RESOURCES
from workbench.training.synth import mix, noise, room, tones
from workbench.training.synth.arrays import db_to_gain, fade, finish, normalize_rms, rms
from workbench.training.synth.music import compose_piece, render_piece
from workbench.training.synth.speech import SpeechParams, Voice, synthesize_speech

SAMPLE_RATE = 44100
SEED = 2026
PEAK_DB = -3.0
SPEECH_RMS_DB = -20.0
ROOM_TONE_DB = -62.0  # RMS of the quiet bed under everything, so "silence" is not digital zero


@dataclass(frozen=True)
class Label:
    """One Audacity label: a region in seconds and its text."""

    start_s: float
    end_s: float
    text: str


@dataclass(frozen=True)
class _Line:
    voice: Voice
    params: SpeechParams
    text: str
    pan: float


SPEECH_LINES = (
    _Line(Voice("espeak-ng", "en-us"), SpeechParams(160, 45, 10),
          "Welcome to Audio Workbench, a short demonstration.", -0.25),
    _Line(Voice("flite", "slt"), SpeechParams(165, 50, 0),
          "Cut, copy and label any part, and let the models listen.", 0.25),
)
NOISY_LINE = _Line(Voice("espeak-ng", "en-gb-x-rp", "f3"), SpeechParams(150, 55, 10),
                   "Now a fan is running, ten decibels below my voice.", 0.0)


class _Timeline:
    """A growing stereo buffer with a cursor and the labels of what was placed."""

    def __init__(self, duration_s: float, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.audio = np.zeros((int(duration_s * sample_rate), 2))
        self.cursor_s = 0.0
        self.labels: list[Label] = []

    def place(self, stereo: np.ndarray, text: str, gap_after_s: float) -> None:
        start = int(round(self.cursor_s * self.sample_rate))
        mix.overlay(self.audio, stereo, start)
        end_s = self.cursor_s + len(stereo) / self.sample_rate
        self.labels.append(Label(self.cursor_s, end_s, text))
        self.cursor_s = end_s + gap_after_s

    def rest(self, seconds: float, text: str = "silence: room tone") -> None:
        self.labels.append(Label(self.cursor_s, self.cursor_s + seconds, text))
        self.cursor_s += seconds


def _speech(line: _Line, sample_rate: int) -> np.ndarray:
    clip = synthesize_speech(line.text, sample_rate, line.voice, line.params)
    # Equal RMS rather than equal peaks: espeak's peaks are spikier than flite's,
    # and listeners judge loudness by the average level.
    audio = normalize_rms(clip.audio, SPEECH_RMS_DB, max_peak_db=-2.0)
    return mix.to_stereo(audio, sample_rate, line.pan, delay_s=abs(line.pan) * 0.0006)


def _speech_label(line: _Line, extra: str = "") -> str:
    voice = f"{line.voice.engine} {line.voice.name}" + (
        f"+{line.voice.variant}" if line.voice.variant else "")
    return f"speech ({voice}{extra}): {line.text}"


def _speech_over_fan(rng: np.random.Generator, sample_rate: int) -> np.ndarray:
    """The noisy line with fan noise 10 dB below it, the fan running 0.6 s either side."""
    voice = synthesize_speech(NOISY_LINE.text, sample_rate, NOISY_LINE.voice, NOISY_LINE.params)
    voice = normalize_rms(voice.audio, SPEECH_RMS_DB - 1.0, max_peak_db=-3.0)
    pad = int(0.6 * sample_rate)
    fan = noise.fan_noise(rng, sample_rate, (len(voice) + 2 * pad) / sample_rate)
    # The SNR is set where the talker speaks; the fan's fades lie outside that span.
    under_voice = fan[pad: pad + len(voice)]
    fan = fade(fan * (rms(voice) / rms(under_voice) / db_to_gain(10.0)), sample_rate, 0.4, 0.4)
    padded = np.zeros(len(fan))
    padded[pad: pad + len(voice)] = voice
    # The fan sits slightly right and the talker centred, so the channels differ.
    return mix.to_stereo(padded, sample_rate) + mix.to_stereo(fan, sample_rate, 0.3, 0.0004)


def _music(rng: np.random.Generator, sample_rate: int) -> np.ndarray:
    """Four seconds of music, reverberated with a different tail per channel for width."""
    piece = compose_piece(rng, 4.0, drums=True)
    dry = render_piece(piece, sample_rate, rng, level_db=-19.0)
    channels = [room.apply_reverb(dry, room.reverb_ir(rng, sample_rate, 0.7, 0,
                                                      direct_to_reverb_db=6.0), keep_tail=False)
                for _ in range(2)]
    return fade(np.stack(channels, axis=1), sample_rate, 0.01, 0.4)


def build_demo(sample_rate: int = SAMPLE_RATE, seed: int = SEED) -> tuple[np.ndarray, list[Label]]:
    """Synthesize the demo: stereo float32 ``[frames, 2]`` peaking at -3 dBFS, and its labels."""
    rng = np.random.default_rng(seed)
    timeline = _Timeline(30.0, sample_rate)
    timeline.rest(1.0)
    for line in SPEECH_LINES:
        timeline.place(_speech(line, sample_rate), _speech_label(line), 0.4)
    timeline.place(_speech_over_fan(rng, sample_rate),
                   _speech_label(NOISY_LINE, ", fan noise at 10 dB SNR"), 0.5)
    timeline.place(_music(rng, sample_rate), "music: synthesized band, 4 seconds", 0.5)
    timeline.place(mix.to_stereo(tones.beep(sample_rate, 1000.0, 0.3, 0.2), sample_rate),
                   "tone: 1 kHz beep", 0.25)
    timeline.place(mix.to_stereo(tones.dtmf("2026", sample_rate, amplitude=0.14), sample_rate,
                                 0.1), "tone: DTMF digits 2 0 2 6", 0.5)
    left, other = (noise.pink_noise(rng, sample_rate, 0.7, level_db=-21.0) for _ in range(2))
    # Partly correlated channels sound wide without the comb filter a delay would
    # leave in a mono fold-down.
    burst = fade(np.stack([left, 0.8 * left + 0.6 * other], axis=1), sample_rate, 0.02, 0.1)
    timeline.place(burst, "noise: pink noise burst", 0.0)
    timeline.rest(1.0)
    frames = int(round(timeline.cursor_s * sample_rate))
    audio = timeline.audio[:frames]
    bed = [noise.brown_noise(rng, sample_rate, frames / sample_rate, ROOM_TONE_DB) for _ in range(2)]
    audio = audio + np.stack(bed, axis=1)[:frames]
    audio *= db_to_gain(PEAK_DB) / np.max(np.abs(audio))
    return finish(audio), timeline.labels


def format_labels(labels: Sequence[Label]) -> str:
    """Audacity label-track text: ``start<TAB>end<TAB>text`` per line, seconds to 6 places."""
    return "".join(f"{lab.start_s:.6f}\t{lab.end_s:.6f}\t{lab.text}\n" for lab in labels)


def write_demo(directory: Path, sample_rate: int = SAMPLE_RATE) -> tuple[Path, Path]:
    """Build the demo and write ``demo.flac`` and ``demo.txt`` into ``directory``."""
    audio, labels = build_demo(sample_rate)
    directory.mkdir(parents=True, exist_ok=True)
    audio_path, label_path = directory / "demo.flac", directory / "demo.txt"
    sf.write(audio_path, audio, sample_rate, format="FLAC", subtype="PCM_16")
    label_path.write_text(format_labels(labels), encoding="utf-8")
    return audio_path, label_path


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry: ``python -m workbench.training.make_demo [--output DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=RESOURCES / "demo",
                        help="folder for demo.flac and demo.txt (default: resources/demo)")
    args = parser.parse_args(argv)
    audio_path, label_path = write_demo(args.output)
    info = sf.info(str(audio_path))
    print(f"wrote {audio_path} ({info.duration:.1f} s, {info.samplerate} Hz, "
          f"{info.channels} channels, {audio_path.stat().st_size / 1e6:.2f} MB) and {label_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What the enhancer review shows and plays: the dry/wet mix, the residual, SNR estimates.

An enhancer result is reviewed before it replaces any audio: the user hears
and sees the original, the enhanced audio (the model's output mixed with the
original by `wet`) and the residual (original minus enhanced: what would be
removed).  The scores are blind estimates (no clean reference exists in an
editor): `estimate_snr_db` takes the quietest frames as the noise floor.
Pure numpy; audio is float32 frames x channels, as an array or a BlockSequence
(read a chunk at a time, so a long span is never copied whole).  The rows' images
are a task (`review_images_task`) for the runner's CPU pool.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial

import numpy as np

from workbench.core.analysis.frequency_scale import row_mapping
from workbench.core.analysis.spectrogram import compute_tile
from workbench.core.analysis.stft import analysis_window, magnitude_spectrum, read_frames
from workbench.core.audio.blocks import BlockSequence
from workbench.core.jobs import Task, TaskGenerator

SNR_FRAME_S = 0.02
NOISE_PERCENTILE = 10.0  # the quietest tenth of the frames is taken as noise
SNR_LIMITS_DB = (-30.0, 60.0)  # past 60 dB the noise floor is digital silence
READ_CHUNK_FRAMES = 1 << 16  # how much of a span is read at a time


def audio_frames(audio) -> int:
    return audio.frames if isinstance(audio, BlockSequence) else len(audio)


def as_blocks(audio) -> BlockSequence:
    """`audio` as a BlockSequence (an array is copied into blocks; a sequence is itself)."""
    return audio if isinstance(audio, BlockSequence) else BlockSequence.from_array(audio)


def read_chunks(audio, chunk: int = READ_CHUNK_FRAMES):
    """(start, float32 frames x channels) pieces of `audio`, in order."""
    for start in range(0, audio_frames(audio), chunk):
        if isinstance(audio, BlockSequence):
            yield start, audio.read(start, start + chunk)
        else:
            yield start, np.asarray(audio[start:start + chunk], np.float32)


def wet_mix(original: np.ndarray, enhanced: np.ndarray, wet: float) -> np.ndarray:
    """`wet` of the enhanced audio plus the rest of the original (the task's own mix)."""
    wet = min(1.0, max(0.0, float(wet)))
    if wet >= 1.0:
        return enhanced.astype(np.float32, copy=False)
    return (wet * enhanced + (1.0 - wet) * original).astype(np.float32)


def only_in_regions(original: np.ndarray, enhanced: np.ndarray, offset_s: float,
                    regions_s, sample_rate: int) -> np.ndarray:
    """`enhanced` inside the `regions_s` ((start, end) seconds; the audio starts at
    `offset_s`), the original samples, unchanged, everywhere else."""
    out = original.astype(np.float32, copy=True)
    for start, end in regions_s:
        a = min(len(out), max(0, round((start - offset_s) * sample_rate)))
        b = min(len(out), max(a, round((end - offset_s) * sample_rate)))
        out[a:b] = enhanced[a:b]
    return out


def residual(original: np.ndarray, enhanced: np.ndarray) -> np.ndarray:
    """What enhancement takes away: original minus enhanced, sample for sample."""
    return (original - enhanced).astype(np.float32)


def frame_powers(audio, sample_rate: int) -> np.ndarray:
    """Mean power of the channels' mean over each whole SNR_FRAME_S frame of `audio`."""
    frame = max(1, round(SNR_FRAME_S * sample_rate))
    chunk = max(frame, READ_CHUNK_FRAMES // frame * frame)
    powers = []
    for _, piece in read_chunks(audio, chunk):
        mono = piece.mean(axis=1) if piece.ndim == 2 else piece
        count = len(mono) // frame
        powers.append(np.square(mono[:count * frame].astype(np.float64)).reshape(
            count, frame).mean(1))
    return np.concatenate(powers) if powers else np.zeros(0)


def estimate_snr_db(samples, sample_rate: int) -> float:
    """A blind SNR estimate of `samples` in dB (minimum statistics, in the spirit of
    Martin's noise tracker): frame powers over SNR_FRAME_S; the noise power is their
    NOISE_PERCENTILE-th percentile, the signal power the mean power above it.

    Clipped to SNR_LIMITS_DB; silence or a file shorter than two frames gives the
    lower limit.
    """
    power = frame_powers(samples, sample_rate)
    if len(power) < 2:
        return SNR_LIMITS_DB[0]
    noise = float(np.percentile(power, NOISE_PERCENTILE))
    signal = float(power.mean()) - noise
    if signal <= 0.0:
        return SNR_LIMITS_DB[0]
    snr = 10.0 * np.log10(signal / max(noise, 1e-12))
    return float(np.clip(snr, *SNR_LIMITS_DB))


@dataclass(frozen=True)
class EnhancementScores:
    """Estimated SNR of the original and of the enhanced audio, and the removed energy."""

    snr_before_db: float
    snr_after_db: float
    removed_db: float  # energy of the residual relative to the original

    @property
    def gain_db(self) -> float:
        return self.snr_after_db - self.snr_before_db


def enhancement_scores(original, enhanced, sample_rate: int,
                       removed_audio=None) -> EnhancementScores:
    """The scores shown with an enhancer result (see EnhancementScores); `removed_audio`
    is the residual when the caller has it (else original - enhanced)."""
    removed_audio = residual(original, enhanced) if removed_audio is None else removed_audio
    total = sum(float(np.square(p, dtype=np.float64).sum()) for _, p in read_chunks(original))
    removed = sum(float(np.square(p, dtype=np.float64).sum())
                  for _, p in read_chunks(removed_audio))
    removed_db = 10.0 * np.log10(max(removed, 1e-12) / max(total, 1e-12))
    return EnhancementScores(estimate_snr_db(original, sample_rate),
                             estimate_snr_db(enhanced, sample_rate),
                             float(max(removed_db, -120.0)))


GAIN_RANGE_DB = (-40.0, 0.0)  # shown from full suppression (dark) to untouched (bright)
GAIN_FLOOR_DB = -70.0  # below this (re full scale) a cell's gain is not defined


def _mapped_magnitude(samples, sample_rate: int, settings, hop: int,
                      columns: int) -> np.ndarray:
    frames = read_frames(as_blocks(samples), 0, hop, columns,
                         settings.window_length, settings.channel)
    magnitude = magnitude_spectrum(frames, analysis_window(settings.window,
                                                           settings.window_length))
    mapping = row_mapping(settings.window_length, settings.scale, settings.rows,
                          float(sample_rate))
    return mapping.apply(magnitude)  # (rows, columns)


def gain_image_db(original, enhanced, sample_rate: int, settings,
                  hop: int, columns: int) -> np.ndarray:
    """The gain the enhancer applied at each time-frequency point, in dB, as (columns, rows)
    on the spectrogram's grid (`settings`: a SpectrogramSettings; column i is centred on
    frame i * hop, as compute_tile's columns are).

    It is |enhanced| / |original| per cell: the mask as it reached the audio (after
    the model's resampling and the dry/wet mix).  Cells where the original is below
    GAIN_FLOOR_DB carry no information and are NaN (drawn transparent).  Clipped to
    GAIN_RANGE_DB.
    """
    before = _mapped_magnitude(original, sample_rate, settings, hop, columns)
    after = _mapped_magnitude(enhanced, sample_rate, settings, hop, columns)
    audible = before > np.float32(10.0 ** (GAIN_FLOOR_DB / 20.0))
    gain = np.full(before.shape, np.nan, np.float32)
    gain[audible] = 20.0 * np.log10(np.maximum(after[audible], 1e-12) / before[audible])
    return np.clip(gain, *GAIN_RANGE_DB).T


MAX_IMAGE_COLUMNS = 1200  # enough for a full-width row; a long span takes a coarser hop


@dataclass(frozen=True, eq=False)
class ReviewImages:
    """What the review rows draw: uint8 spectrogram levels (columns, rows) per version,
    the gain in dB on the same grid, and the hop (frames per column) of that grid."""

    levels: dict
    gain: np.ndarray
    hop: int


def iter_review_images(versions: dict, sample_rate: int, settings,
                       cancel) -> TaskGenerator:
    """Task: the ReviewImages of `versions` ("original", "enhanced", "residual": frames x
    channels arrays or BlockSequences of one span) in spectrogram `settings` (a
    SpectrogramSettings).  Columns as compute_tile's; cancellation is checked between
    images."""
    yield from ()  # a task is a generator (core/jobs.py)
    frames = audio_frames(versions["original"])
    hop = max(settings.hop // 4, math.ceil(frames / MAX_IMAGE_COLUMNS), 1)
    columns = max(1, frames // hop)
    levels = {}
    for name, samples in versions.items():
        cancel.check()
        levels[name] = compute_tile(as_blocks(samples), sample_rate, settings,
                                    hop, 0, columns, cancel)
    cancel.check()
    gain = gain_image_db(versions["original"], versions["enhanced"], sample_rate, settings,
                         hop, columns)
    return ReviewImages(levels, gain, hop)


def review_images_task(versions: dict, sample_rate: int, settings) -> Task:
    """iter_review_images packaged as a job-runner task."""
    return partial(iter_review_images, versions, sample_rate, settings)

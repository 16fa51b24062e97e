"""The lessons' synthesized clips: what the script builds is what is committed."""

import numpy as np
import soundfile as sf

from workbench.training import make_lesson_clips
from workbench.training.synth.arrays import rms


def level_db(audio: np.ndarray) -> float:
    return 20 * np.log10(rms(audio) + 1e-12)


def test_rebuilding_the_clips_gives_the_committed_files_bit_for_bit(tmp_path):
    for built in make_lesson_clips.write_clips(tmp_path):
        committed = make_lesson_clips.CLIPS_DIR / built.name
        fresh, rate = sf.read(built, dtype="int16")
        shipped, shipped_rate = sf.read(committed, dtype="int16")
        assert rate == shipped_rate == make_lesson_clips.SAMPLE_RATE
        assert np.array_equal(fresh, shipped), f"{committed} differs from a fresh build"


def test_the_pauses_are_quiet_in_the_clean_clip_and_noisy_in_the_other():
    rate = make_lesson_clips.SAMPLE_RATE
    clean, _ = sf.read(make_lesson_clips.CLIPS_DIR / "speech.flac")
    noisy, _ = sf.read(make_lesson_clips.CLIPS_DIR / "speech-in-noise.flac")
    pause = slice(0, int(0.5 * rate))
    assert level_db(clean[pause]) < -55 and level_db(clean) > -30  # room tone, then a voice
    # Noise alone in the first second, about 5 dB under the voice that follows.
    assert level_db(noisy[:int(0.9 * rate)]) > -40
    assert level_db(noisy) - level_db(noisy[:int(0.9 * rate)]) > 2

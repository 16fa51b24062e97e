import subprocess

import numpy as np
import pytest

from tests.training.measure import band_energy_fraction
from workbench.training.synth import SynthesisError, speech

SR = 16000


def _active_fraction(audio: np.ndarray, frame: int = SR // 50) -> float:
    levels = np.sqrt(np.mean(audio[: len(audio) // frame * frame].reshape(-1, frame) ** 2, axis=1))
    return float(np.mean(levels > 0.01))


@pytest.mark.parametrize("voice", [
    speech.Voice(speech.ESPEAK, "en-us"),
    speech.Voice(speech.ESPEAK, "en-gb-scotland", "f2"),
    speech.Voice(speech.ESPEAK, "en-029", "whisper"),
    speech.Voice(speech.FLITE, "slt"),
    speech.Voice(speech.FLITE, "kal"),
    speech.Voice(speech.FLITE, "awb"),
])
def test_each_engine_speaks_audibly_in_the_speech_band(voice):
    clip = speech.synthesize_speech("the quick brown fox jumps over the lazy dog", SR, voice)
    assert clip.sample_rate == SR and clip.audio.dtype == np.float32
    assert np.max(np.abs(clip.audio)) == pytest.approx(10 ** (-3 / 20), abs=1e-3)
    assert 1.0 < len(clip.audio) / SR < 6.0
    assert _active_fraction(clip.audio) > 0.5
    assert band_energy_fraction(clip.audio, SR, 100, 4000) > 0.75


def test_returned_text_is_what_was_spoken():
    voice = speech.Voice(speech.FLITE, "rms")
    clip = speech.synthesize_speech("  seven   green apples\n", SR, voice)
    assert clip.text == "seven green apples"
    # flite's own word list for the text matches the transcript.
    printed = subprocess.run(["flite", "-voice", "rms", "-pw", "-t", clip.text, "none"],
                             capture_output=True, text=True, check=True).stdout
    assert printed.split() == clip.text.split()
    longer = speech.synthesize_speech(clip.text + " and four red pears", SR, voice)
    assert len(longer.audio) > 1.5 * len(clip.audio)


@pytest.mark.parametrize("engines", [(speech.ESPEAK,), (speech.FLITE,)])
def test_random_speech_repeats_for_a_seed_and_carries_its_transcript(engines):
    clip = speech.random_speech(11, SR, engines=engines)
    again = speech.random_speech(11, SR, engines=engines)
    assert clip.voice.engine == engines[0]
    assert np.array_equal(clip.audio, again.audio) and clip.text == again.text
    # Speaking the returned text with the returned voice gives the same audio.
    redo = speech.synthesize_speech(clip.text, SR, clip.voice, clip.params)
    assert np.array_equal(redo.audio, clip.audio)
    assert clip.text == clip.text.lower() and set(clip.text) <= set("abcdefghijklmnopqrstuvwxyz ")


def test_rate_pitch_and_word_gap_change_the_voice():
    voice, text = speech.Voice(speech.ESPEAK, "en-us"), "one two three four five"
    base = speech.synthesize_speech(text, SR, voice, speech.SpeechParams(175, 50, 0))
    fast = speech.synthesize_speech(text, SR, voice, speech.SpeechParams(260, 50, 0))
    gappy = speech.synthesize_speech(text, SR, voice, speech.SpeechParams(175, 50, 200))
    assert len(fast.audio) < 0.85 * len(base.audio)
    assert len(gappy.audio) > len(base.audio) + 0.6 * SR  # four gaps of about 200 ms
    flite = speech.Voice(speech.FLITE, "slt")
    plain = speech.synthesize_speech(text, SR, flite, speech.SpeechParams(175, 50, 0))
    spaced = speech.synthesize_speech(text, SR, flite, speech.SpeechParams(175, 50, 200))
    assert len(spaced.audio) > len(plain.audio) + 0.6 * SR


def test_random_voices_cover_both_engines_and_many_variants():
    voices = [speech.random_voice(s) for s in range(60)]
    assert {v.engine for v in voices} == set(speech.ENGINES)
    assert len({v for v in voices if v.engine == speech.ESPEAK}) > 15
    assert {v.name for v in voices if v.engine == speech.FLITE} == set(speech.FLITE_VOICES)


def test_every_listed_voice_is_installed():
    espeak = speech.installed_voices(speech.ESPEAK)
    assert set(speech.ESPEAK_VOICES) <= espeak
    assert {"+" + v for v in speech.ESPEAK_VARIANTS if v} <= espeak
    assert set(speech.FLITE_VOICES) <= speech.installed_voices(speech.FLITE)


@pytest.mark.parametrize("engine", speech.ENGINES)
def test_missing_program_is_named_in_the_error(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    voice = speech.Voice(engine, "en-us" if engine == speech.ESPEAK else "slt")
    with pytest.raises(SynthesisError, match=engine) as caught:
        speech.synthesize_speech("hello", SR, voice)
    assert caught.value.program == engine


def test_unknown_voices_and_empty_text_are_clear_errors():
    with pytest.raises(SynthesisError) as caught:
        speech.synthesize_speech("hello", SR, speech.Voice(speech.ESPEAK, "xx-nowhere"))
    assert caught.value.program == speech.ESPEAK
    with pytest.raises(SynthesisError, match="unknown flite voice"):
        speech.synthesize_speech("hello", SR, speech.Voice(speech.FLITE, "nobody"))
    with pytest.raises(ValueError, match="no text"):
        speech.synthesize_speech("   ", SR)

"""The classifier's data recipe, clip cache, training windows, metrics and peers."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from workbench.training.classifier import metrics
from workbench.training.classifier.baseline import FEATURES, ThresholdBaseline, window_features
from workbench.training.classifier.dataset import (
    ClipSet,
    WindowSampler,
    _synthesize_all,
    build_clips,
)
from workbench.training.classifier.eval_data import make_recording
from workbench.training.classifier.recipe import (
    CLASSES,
    HELD_OUT_ESPEAK_NAMES,
    HELD_OUT_FLITE,
    HELD_OUT_VARIANTS,
    synthesize_clip,
    voice_pool,
)
from workbench.training.synth.arrays import rms

RATE = 16000


def db(x):
    return 20 * np.log10(max(rms(x), 1e-12))


def test_a_clip_is_the_same_for_the_same_seed_and_differs_between_splits():
    a = synthesize_clip("music", "train", 7, RATE, 1.0)
    b = synthesize_clip("music", "train", 7, RATE, 1.0)
    c = synthesize_clip("music", "eval", 7, RATE, 1.0)
    assert np.array_equal(a.audio, b.audio) and not np.array_equal(a.audio, c.audio)
    assert a.audio.dtype == np.float32 and len(a.audio) == RATE


def test_evaluation_voices_are_never_heard_in_training():
    train = set(voice_pool("train"))
    held = set(voice_pool("eval"))
    assert train and held and not train & held
    assert set(voice_pool("val")) == train
    for voice in held:
        assert (voice.name in HELD_OUT_ESPEAK_NAMES or voice.variant in HELD_OUT_VARIANTS
                or voice.name in HELD_OUT_FLITE)
    assert {v.engine for v in train} == {"espeak-ng", "flite"}


@pytest.mark.parametrize("index", range(4))
def test_silence_is_quiet_and_sounds_sit_at_the_working_level(index):
    silence = synthesize_clip("silence", "train", index, RATE, 1.0).audio
    assert db(silence) <= -62.0
    tone = synthesize_clip("tone", "train", index, RATE, 1.0).audio
    assert -30.0 <= db(tone) <= -19.9  # -20 dBFS RMS unless peaks held it lower


def pulse_clips():
    """Class i's clips are pulse trains of period i + 2 samples: traceable after any gain."""
    audio = {}
    for i, label in enumerate(CLASSES):
        clip = np.zeros(RATE, dtype=np.float16)
        clip[::i + 2] = 0.5
        audio[label] = np.stack([clip, clip])
    return ClipSet(audio, {label: ["", ""] for label in CLASSES}, RATE)


def period_at(window, at):
    pulses = np.flatnonzero(window[at - 20: at + 20])
    return int(np.min(np.diff(pulses)))


def test_joined_windows_are_labelled_with_the_class_at_their_centre():
    sampler = WindowSampler(pulse_clips(), 8000, transition_share=1.0)
    windows, labels = sampler.batch(np.random.default_rng(0), 200)
    assert windows.shape == (200, 8000) and set(labels) == set(range(len(CLASSES)))
    for window, label in zip(windows, labels):
        assert period_at(window, 4000) == label + 2
        ends = {period_at(window, 20), period_at(window, 7980)}
        assert len(ends) == 2 and label + 2 in ends  # two classes, one of them the label


def sine_clips(hz=1000.0):
    t = np.arange(2 * RATE) / RATE
    clip = (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float16)
    return ClipSet({label: np.stack([clip]) for label in CLASSES},
                   {label: [""] for label in CLASSES}, RATE)


def peak_hz(window):
    spectrum = np.abs(np.fft.rfft(window * np.hanning(len(window))))
    return np.argmax(spectrum) * RATE / len(window)


def test_speed_perturbation_moves_the_pitch_of_sounds_but_never_of_silence():
    plain = WindowSampler(sine_clips(), 8000, transition_share=0.0)
    windows, labels = plain.batch(np.random.default_rng(3), 100)
    # Off by default: the windows are the ones training always drew (runs reproduce).
    again = WindowSampler(sine_clips(), 8000, transition_share=0.0, speed_range=0.0)
    assert np.array_equal(windows, again.batch(np.random.default_rng(3), 100)[0])
    assert all(abs(peak_hz(w) - 1000) <= 2 for w in windows)
    fast = WindowSampler(sine_clips(), 8000, transition_share=0.3, speed_range=0.25)
    windows, labels = fast.batch(np.random.default_rng(4), 300)
    assert windows.shape == (300, 8000)
    pure = WindowSampler(sine_clips(), 8000, transition_share=0.0, speed_range=0.25)
    windows, labels = pure.batch(np.random.default_rng(5), 300)
    peaks = np.array([peak_hz(w) for w in windows])
    silent = labels == CLASSES.index("silence")
    assert np.all(np.abs(peaks[silent] - 1000) <= 2)
    assert peaks[~silent].min() >= 1000 / 1.25 - 4 and peaks[~silent].max() <= 1250 + 4
    assert peaks[~silent].min() < 880 and peaks[~silent].max() > 1130  # the whole range is used


def test_remixed_speech_is_a_clean_voice_over_a_fresh_background_at_the_recipe_snrs():
    t = np.arange(2 * RATE) / RATE

    def sine(hz):
        return (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float16)

    audio = {label: np.stack([sine(4000 + 500 * i)]) for i, label in enumerate(CLASSES)}
    audio["speech"] = np.stack([sine(500), sine(3000)])  # clean, and already mixed
    audio["music"], audio["noise"] = np.stack([sine(1000)]), np.stack([sine(2000)])
    details = {label: [""] for label in CLASSES}
    details["speech"] = ["clean", "over surf at 3 dB"]
    sampler = WindowSampler(ClipSet(audio, details, RATE), 8000, transition_share=0.0,
                            remix_share=1.0)
    windows, labels = sampler.batch(np.random.default_rng(6), 400)
    backgrounds = set()
    for window in windows[labels == CLASSES.index("speech")]:
        spectrum = np.abs(np.fft.rfft(window))
        at = {hz: spectrum[hz * 8000 // RATE] for hz in (500, 1000, 2000, 3000)}
        assert at[3000] < 1e-3 * at[500]  # only the clean clip is remixed
        background = max(1000, 2000, key=at.get)
        backgrounds.add(background)
        snr = 20 * np.log10(at[500] / at[background])
        assert -0.5 <= snr <= 15.5
    assert backgrounds == {1000, 2000}


def test_window_levels_follow_the_class_rules():
    sampler = WindowSampler(pulse_clips(), 4000, transition_share=0.0)
    windows, labels = sampler.batch(np.random.default_rng(1), 300)
    levels = np.array([db(w) for w in windows])
    silent = labels == CLASSES.index("silence")
    assert np.all(levels[~silent] >= -48.5) and np.all(levels[~silent] <= -9.5)
    assert np.all(levels[silent] <= levels[silent].max())
    assert np.bincount(labels, minlength=5).min() > 30  # classes come balanced


def test_clips_are_synthesized_once_then_read_from_the_cache(tmp_path):
    made = []
    first = build_clips(tmp_path, "val", 1, 8000, on_clip=lambda label, i: made.append(label))
    assert made == list(CLASSES) and first.audio["speech"].shape == (1, 6 * 8000)
    again = build_clips(tmp_path, "val", 1, 8000, on_clip=lambda label, i: made.append(label))
    assert len(made) == 5 and np.array_equal(first.audio["noise"], again.audio["noise"])


def test_test_recordings_change_class_at_every_boundary():
    recording = make_recording(0, 8000)
    labels = [s[2] for s in recording.segments]
    assert len(labels) == 8 and all(a != b for a, b in zip(labels, labels[1:]))
    assert recording.segments[-1][1] == pytest.approx(len(recording.audio) / 8000)
    starts = np.array([0.0, recording.segments[0][1] - 0.5])
    assert recording.pure(starts, 1.0).tolist() == [recording.segments[0][1] >= 1.0, False]


def test_boundaries_pair_one_to_one_within_the_tolerance():
    assert metrics.match_boundaries([1.0, 2.0], [1.1, 1.2, 2.6]) == 1
    scores = metrics.boundary_scores([[1.0, 2.0]], [[1.4, 2.3]], tolerance_s=0.5)
    assert scores["precision"] == scores["recall"] == scores["f1"] == 1.0
    assert metrics.boundary_scores([[1.0]], [[]])["f1"] == 0.0


def test_confusion_and_per_class_scores():
    matrix = metrics.confusion_matrix(np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1]), 2)
    assert matrix.tolist() == [[1, 1], [0, 2]]
    scores = metrics.per_class_scores(matrix, ("a", "b"))
    assert scores["a"]["recall"] == 0.5 and scores["b"]["precision"] == pytest.approx(2 / 3)


def test_the_threshold_baseline_tells_silence_tones_and_noise_apart():
    rng = np.random.default_rng(0)
    t = np.arange(RATE) / RATE
    windows = [rng.standard_normal(RATE) * 1e-4, 0.3 * np.sin(2 * np.pi * 440 * t),
               0.1 * rng.standard_normal(RATE)]
    labels = ["silence", "tone", "noise"]
    features = window_features(np.stack(windows * 4))
    assert features.shape == (12, len(FEATURES))
    baseline = ThresholdBaseline.fit(features, labels * 4)
    assert list(baseline.predict(features)) == labels * 4


def test_clips_from_two_worker_processes_are_the_clips_of_one_in_order():
    from workbench.training.classifier.recipe_families import synthesize_randomized_clip

    one = list(_synthesize_all(synthesize_randomized_clip, "tone", "val", 6, 8000, None))
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        two = list(_synthesize_all(synthesize_randomized_clip, "tone", "val", 6, 8000, pool))
    assert [c.detail for c in one] == [c.detail for c in two]
    assert all(np.array_equal(a.audio, b.audio) for a, b in zip(one, two))
    assert not np.array_equal(one[0].audio, one[1].audio)

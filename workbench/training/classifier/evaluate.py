"""`workbench eval classifier`: the CNN and its peers on the held-out recordings.

Window scores use the windows lying wholly inside one segment (their class is
not in doubt); the accuracy over every window, labelled by the class at its
centre, is reported beside them.  The scored windows are the same whatever a
model's own window length (`scored_windows`), so models are compared on the
same times.  Boundaries come from the hysteresis-merged
segments and count when within 0.5 s of a true boundary.  Speed is the
real-time factor of the whole classify path (log-mel included) on this
machine, by wall clock and by process CPU time divided by the thread count,
each the best of three passes over the test set.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from workbench.core.analysis.results import Classification
from workbench.core.jobs import run_to_completion
from workbench.core.labels.class_segments import hysteresis_segments
from workbench.ml.classifier.net import AudioClassifier, ClassifierConfig
from workbench.ml.classifier.task import classify_signal, window_starts
from workbench.training.classifier import metrics
from workbench.training.classifier.baseline import ThresholdBaseline, window_features
from workbench.training.classifier.dataset import WindowSampler, build_clips
from workbench.training.classifier.eval_data import Recording, load_recordings
from workbench.training.classifier.recipe import CLASSES
from workbench.training.classifier.silero_peer import SileroSpeechDetector, SileroUnavailable

BOUNDARY_TOLERANCE_S = 0.5
# Windows are scored on one layout whatever a model's own window: 89 frames (0.912 s) every
# hop, the first model's windows.  A model with longer windows is scored at the same times,
# by its window centred nearest, so its windows near a boundary are not left out.
SCORED_WINDOW_FRAMES = ClassifierConfig.window_frames
Log = Callable[[str], None]


@dataclass(frozen=True)
class ScoredWindows:
    """The scored windows of one recording: start samples, which lie wholly inside one
    segment, the class at their centres and the model's class there."""

    starts: np.ndarray
    pure: np.ndarray
    labels: np.ndarray
    predicted: np.ndarray


def scoring_config(config: ClassifierConfig) -> ClassifierConfig:
    """``config`` with the scored window layout (`SCORED_WINDOW_FRAMES`)."""
    return dataclasses.replace(config, window_frames=SCORED_WINDOW_FRAMES)


def scored_windows(recording: Recording, result: Classification,
                   config: ClassifierConfig) -> ScoredWindows:
    """``result`` (a model with ``config``) read at the scored windows of ``recording``."""
    scoring = scoring_config(config)
    starts = window_starts(len(recording.audio), scoring)
    starts_s = starts / config.sample_rate
    centres = starts_s + scoring.window_s / 2
    model_centres = np.asarray(result.window_starts) + config.window_s / 2
    nearest = np.abs(centres[:, None] - model_centres[None, :]).argmin(axis=1)
    return ScoredWindows(starts, recording.pure(starts_s, scoring.window_s),
                         recording.label_at(centres),
                         result.probabilities.argmax(axis=1)[nearest])


def _cut(audio: np.ndarray, starts: np.ndarray, length: int) -> np.ndarray:
    padded = np.pad(audio, (0, max(0, int(starts.max()) + length - len(audio))))
    return np.stack([padded[s:s + length] for s in starts])


def _features(audio: np.ndarray, starts: np.ndarray, length: int) -> np.ndarray:
    return np.concatenate([window_features(_cut(audio, starts[i:i + 128], length))
                           for i in range(0, len(starts), 128)])


def boundary_times(segments) -> list[float]:
    """Start times of every segment after the first: where the class changes."""
    return [s.start for s in segments[1:]]


def _one_hot(labels: np.ndarray) -> np.ndarray:
    out = np.zeros((len(labels), len(CLASSES)))
    out[np.arange(len(labels)), [CLASSES.index(x) for x in labels]] = 1.0
    return out


def window_report(truth: np.ndarray, predicted: np.ndarray) -> dict:
    """Accuracy, per-class scores, confusion and speech-vs-rest scores of window labels."""
    matrix = metrics.confusion_matrix(truth, predicted, len(CLASSES))
    return {"accuracy": float(np.mean(truth == predicted)), "windows": int(len(truth)),
            "per_class": metrics.per_class_scores(matrix, CLASSES),
            "confusion": {"rows_true_columns_predicted": list(CLASSES),
                          "counts": matrix.tolist()},
            "speech": metrics.binary_scores(truth == 0, predicted == 0)}


def fit_baseline(run_dir: Path, window_samples: int, log: Log) -> ThresholdBaseline:
    """The threshold peer fitted on 2000 validation windows (training voices, own seeds)."""
    clips = build_clips(run_dir / "data", "val", 30)
    windows, labels = WindowSampler(clips, window_samples, 0.0).batch(
        np.random.default_rng(777), 2000)
    features = np.concatenate([window_features(windows[i:i + 128])
                               for i in range(0, len(windows), 128)])
    baseline = ThresholdBaseline.fit(features, [CLASSES[i] for i in labels])
    log(f"baseline rules: {baseline.describe()}")
    return baseline


def _classify_all(model: AudioClassifier, recordings: list[Recording], threads: int,
                  passes: int = 3) -> tuple[list, dict]:
    """Classify every recording ``passes`` times; speed is the fastest pass (as timeit
    reports), since other processes on a shared machine only ever slow a pass down."""
    torch.set_num_threads(threads)
    run_to_completion(lambda c: classify_signal(model, recordings[0].audio[:160000], c))  # warm-up
    walls, cpus = [], []
    for _ in range(passes):
        wall, cpu = time.perf_counter(), time.process_time()
        results = [run_to_completion(lambda c, r=r: classify_signal(model, r.audio, c))
                   for r in recordings]
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    seconds = sum(len(r.audio) for r in recordings) / model.config.sample_rate
    speed = {"audio_s": seconds, "wall_s": min(walls), "cpu_s": min(cpus), "threads": threads,
             "passes_wall_s": walls,
             "realtime_factor_wall": seconds / min(walls),
             "realtime_factor_cpu": seconds / (min(cpus) / threads),
             "load_average_1min": os.getloadavg()[0]}
    return results, speed


def evaluate_classifier(model: AudioClassifier, run_dir: str | Path, recordings: int = 40,
                        threads: int = 2, peers: bool = True, log: Log = print) -> dict:
    """Scores of ``model`` (eval mode) and its peers on ``recordings`` held-out recordings."""
    run_dir = Path(run_dir)
    config = model.config
    tests = load_recordings(run_dir / "eval", recordings, config.sample_rate, log)
    results, speed = _classify_all(model, tests, threads)
    truth, pred, centre_truth, centre_pred, starts_all, pure_all = [], [], [], [], [], []
    true_bounds, cnn_bounds = [], []
    for rec, result in zip(tests, results):
        scored = scored_windows(rec, result, config)
        truth.append(scored.labels[scored.pure])
        pred.append(scored.predicted[scored.pure])
        centre_truth.append(scored.labels)
        centre_pred.append(scored.predicted)
        starts_all.append(scored.starts)
        pure_all.append(scored.pure)
        true_bounds.append(rec.boundaries())
        cnn_bounds.append(boundary_times(result.segments))
    truth_cat = np.concatenate(truth)
    report = {
        "recordings": len(tests), "audio_s": speed["audio_s"],
        "window": window_report(truth_cat, np.concatenate(pred)),
        "window_all_centre_labelled_accuracy": float(np.mean(
            np.concatenate(centre_truth) == np.concatenate(centre_pred))),
        "boundaries": metrics.boundary_scores(true_bounds, cnn_bounds, BOUNDARY_TOLERANCE_S),
        "speed": speed,
    }
    log(f"CNN: window accuracy {report['window']['accuracy']:.4f}, boundary F1 "
        f"{report['boundaries']['f1']:.3f}, {speed['realtime_factor_wall']:.0f}x real time")
    if peers:
        # The peers classify the scored windows themselves.
        scoring = scoring_config(config)
        report["peers"] = _peers(run_dir, tests, starts_all, pure_all, truth_cat,
                                 scoring.window_samples, scoring, true_bounds, log)
    return report


def _peers(run_dir, tests, starts_all, pure_all, truth_cat, length, config, true_bounds,
           log: Log) -> dict:
    baseline = fit_baseline(run_dir, length, log)
    base_pred, base_bounds = [], []
    for rec, starts, pure in zip(tests, starts_all, pure_all):
        labels = baseline.predict(_features(rec.audio, starts, length))
        base_pred.append(np.array([CLASSES.index(x) for x in labels[pure]], dtype=np.int64))
        segments = hysteresis_segments(_one_hot(labels), CLASSES, starts / config.sample_rate,
                                       config.window_s, (0.0, len(rec.audio) / config.sample_rate))
        base_bounds.append(boundary_times(segments))
    peers = {"threshold_baseline": {
        "rules": baseline.describe(),
        "window": window_report(truth_cat, np.concatenate(base_pred)),
        "boundaries": metrics.boundary_scores(true_bounds, base_bounds, BOUNDARY_TOLERANCE_S)}}
    log(f"baseline: window accuracy {peers['threshold_baseline']['window']['accuracy']:.4f}")
    try:
        detector = SileroSpeechDetector()
    except SileroUnavailable as exc:
        peers["silero_vad"] = {"unavailable": str(exc)}
        return peers
    speech = []
    for rec, starts, pure in zip(tests, starts_all, pure_all):
        frame_probs = detector.frame_probabilities(rec.audio, config.sample_rate)
        speech.append(detector.window_is_speech(frame_probs, starts, length)[pure])
    peers["silero_vad"] = {"speech": metrics.binary_scores(truth_cat == 0,
                                                           np.concatenate(speech)),
                           "threshold": 0.5}
    log(f"silero-vad: speech F1 {peers['silero_vad']['speech']['f1']:.4f}")
    return peers

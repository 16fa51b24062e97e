"""Scores per held-out family: how the classifier does on instruments and noises it never heard.

For every family in ``families.HELD_OUT_FAMILIES`` a few recordings are made in
which that family plays every piece (or leads every noise, speech backgrounds
included); see ``eval_data``.  Each family gets window accuracy, per-class
recall, boundary F1 and speech F1 beside silero-vad's on the same windows;
the pooled scores over all families are the headline.  The same scores on the
validation families (``split="fv-val"``) choose between training runs.  Windows and
boundaries are scored as in ``evaluate`` (windows wholly inside one segment;
boundaries within 0.5 s).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.core.jobs import run_to_completion
from workbench.ml.classifier.net import AudioClassifier
from workbench.ml.classifier.task import classify_signal
from workbench.training.classifier import metrics
from workbench.training.classifier.eval_data import Recording, load_recordings
from workbench.training.classifier.evaluate import (
    BOUNDARY_TOLERANCE_S,
    boundary_times,
    scored_windows,
    scoring_config,
    window_report,
)
from workbench.training.classifier.families import FEATURED, MUSIC_HELD_OUT, MUSIC_VALIDATION

# 5 per family proved too few to compare runs: on the validation families the first 5
# recordings and 30 gave the same model 0.938 and 0.960, two seeds of one recipe 0.010 apart.
RECORDINGS_PER_FAMILY = 30
Log = Callable[[str], None]


@dataclass(frozen=True)
class RecordingScore:
    """One recording's windows (those inside one segment) and boundaries, true and found."""

    truth: np.ndarray
    predicted: np.ndarray
    true_boundaries: list[float]
    found_boundaries: list[float]
    silero_speech: np.ndarray | None


def score_recording(model: AudioClassifier, recording: Recording, detector=None) -> RecordingScore:
    """Classify ``recording`` with ``model`` (and silero-vad ``detector`` when given)."""
    config = model.config
    result = run_to_completion(lambda c: classify_signal(model, recording.audio, c))
    scored = scored_windows(recording, result, config)
    pure = scored.pure
    silero = None
    if detector is not None:
        probs = detector.frame_probabilities(recording.audio, config.sample_rate)
        silero = detector.window_is_speech(probs, scored.starts,
                                           scoring_config(config).window_samples)[pure]
    return RecordingScore(scored.labels[pure], scored.predicted[pure],
                          recording.boundaries(), boundary_times(result.segments), silero)


def summarize(scores: Sequence[RecordingScore]) -> dict:
    """Window report, boundary scores and (when measured) silero-vad's speech scores."""
    truth = np.concatenate([s.truth for s in scores])
    out = {"recordings": len(scores),
           "window": window_report(truth, np.concatenate([s.predicted for s in scores])),
           "boundaries": metrics.boundary_scores([s.true_boundaries for s in scores],
                                                 [s.found_boundaries for s in scores],
                                                 BOUNDARY_TOLERANCE_S)}
    if all(s.silero_speech is not None for s in scores):
        out["silero_vad_speech"] = metrics.binary_scores(
            truth == 0, np.concatenate([s.silero_speech for s in scores]))
    return out


def silero_detector(log: Log):
    """silero-vad, or None (said in the log) where it is not installed."""
    from workbench.training.classifier.silero_peer import SileroSpeechDetector, SileroUnavailable

    try:
        return SileroSpeechDetector()
    except SileroUnavailable as exc:
        log(f"silero-vad left out: {exc}")
        return None


def evaluate_families(model: AudioClassifier, run_dir: str | Path,
                      per_family: int = RECORDINGS_PER_FAMILY, silero: bool = True,
                      log: Log = print, families: Sequence[str] | None = None,
                      split: str = "eval") -> dict:
    """Scores of ``model`` per family of ``split`` (default: every one of them) and pooled:
    the held-out families ("eval") or the validation families ("fv-val")."""
    detector = silero_detector(log) if silero else None
    per, everything = {}, []
    for family in FEATURED[split] if families is None else families:
        tests = load_recordings(Path(run_dir) / "eval", per_family, model.config.sample_rate,
                                log, "families", family, split)
        scores = [score_recording(model, r, detector) for r in tests]
        kind = "music" if family in MUSIC_HELD_OUT + MUSIC_VALIDATION else "noise"
        per[family] = {"kind": kind, **summarize(scores)}
        everything += scores
        log(f"{family}: window accuracy {per[family]['window']['accuracy']:.4f}, boundary F1 "
            f"{per[family]['boundaries']['f1']:.3f}")
    return {"recordings_per_family": per_family, "split": split, "families": per,
            "pooled": summarize(everything)}


def family_headline(report: dict, prefix: str = "") -> dict:
    """The target numbers of a family report (pooled), keys prefixed with ``prefix``."""
    pooled = report["pooled"]
    window = pooled["window"]
    out = {"window_accuracy": window["accuracy"],
           "min_class_recall": min(s["recall"] for s in window["per_class"].values()),
           "boundary_f1": pooled["boundaries"]["f1"], "speech_f1": window["speech"]["f1"]}
    if "silero_vad_speech" in pooled:
        out["silero_vad_speech_f1"] = pooled["silero_vad_speech"]["f1"]
    return {prefix + k: v for k, v in out.items()}


def family_markdown(report: dict, compare: dict | None = None, compare_name: str = "") -> str:
    """Per-family table (and the pooled row); ``compare`` adds another model's accuracy."""
    head = ["family", "kind", "window accuracy", "recall speech/music/noise/tone/silence",
            "boundary F1", "speech F1", "silero-vad speech F1"]
    if compare:
        head.append(f"{compare_name} window accuracy")
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    everyone = "all validation families" if report.get("split") == "fv-val" \
        else "all held-out families"
    rows = list(report["families"].items()) + [(everyone, {"kind": "-", **report["pooled"]})]
    for name, r in rows:
        window = r["window"]
        recalls = "/".join(f"{s['recall']:.2f}" for s in window["per_class"].values())
        silero = r.get("silero_vad_speech", {}).get("f1")
        cells = [name, r["kind"], f"{window['accuracy']:.4f}", recalls,
                 f"{r['boundaries']['f1']:.3f}", f"{window['speech']['f1']:.4f}",
                 "-" if silero is None else f"{silero:.4f}"]
        if compare:
            other = compare["pooled"] if name not in compare["families"] else compare["families"][name]
            cells.append(f"{other['window']['accuracy']:.4f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)

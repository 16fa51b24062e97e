"""Scores of a sound-class labelling: confusion, per-class precision/recall, boundary F1."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def confusion_matrix(truth: np.ndarray, predicted: np.ndarray, classes: int) -> np.ndarray:
    """Counts ``[true class, predicted class]``."""
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(truth), np.asarray(predicted)), 1)
    return matrix


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else 0.0


def f1(precision: float, recall: float) -> float:
    return _ratio(2 * precision * recall, precision + recall)


def per_class_scores(matrix: np.ndarray, labels: Sequence[str]) -> dict[str, dict[str, float]]:
    """``{label: {"precision", "recall", "f1", "support"}}`` from a confusion matrix."""
    scores = {}
    for i, label in enumerate(labels):
        precision = _ratio(matrix[i, i], matrix[:, i].sum())
        recall = _ratio(matrix[i, i], matrix[i, :].sum())
        scores[label] = {"precision": precision, "recall": recall,
                         "f1": f1(precision, recall), "support": int(matrix[i, :].sum())}
    return scores


def binary_scores(truth: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    """Precision, recall and F1 of boolean detections (e.g. speech / not speech)."""
    truth, predicted = np.asarray(truth, bool), np.asarray(predicted, bool)
    hits = float(np.sum(truth & predicted))
    precision = _ratio(hits, float(predicted.sum()))
    recall = _ratio(hits, float(truth.sum()))
    return {"precision": precision, "recall": recall, "f1": f1(precision, recall)}


def match_boundaries(truth: Sequence[float], predicted: Sequence[float],
                     tolerance_s: float = 0.5) -> int:
    """How many predicted boundaries pair one-to-one with a true one within ``tolerance_s``.

    Pairs are made closest first, so one prediction can never count twice.
    """
    pairs = sorted((abs(p - t), i, j) for i, t in enumerate(truth)
                   for j, p in enumerate(predicted) if abs(p - t) <= tolerance_s)
    used_truth, used_pred, matched = set(), set(), 0
    for _, i, j in pairs:
        if i not in used_truth and j not in used_pred:
            used_truth.add(i)
            used_pred.add(j)
            matched += 1
    return matched


def boundary_scores(truth: Sequence[Sequence[float]], predicted: Sequence[Sequence[float]],
                    tolerance_s: float = 0.5) -> dict[str, float]:
    """Boundary precision, recall and F1 pooled over recordings (lists of boundary times)."""
    matched = sum(match_boundaries(t, p, tolerance_s) for t, p in zip(truth, predicted))
    total_truth = sum(len(t) for t in truth)
    total_pred = sum(len(p) for p in predicted)
    precision, recall = _ratio(matched, total_pred), _ratio(matched, total_truth)
    return {"precision": precision, "recall": recall, "f1": f1(precision, recall),
            "true_boundaries": total_truth, "predicted_boundaries": total_pred}

"""From per-window class probabilities to stable labelled segments, and doubtful stretches.

Sliding windows overlap, and a window straddling a change of sound gives mixed
probabilities; taking each window's most likely class makes boundaries
flicker.  `hysteresis_segments` switches class only when the new class is
clearly ahead (its probability reaches ``enter``) while the current one has
clearly dropped (below ``leave``), for at least ``min_windows`` windows in a
row; the boundary is then put where that run began.

Each window speaks for the stretch around its centre: a boundary between two
windows lies halfway between their centres, and the first and last segments
reach the edges of the span (the convention of `analysis.segments_from_windows`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from workbench.core.analysis.results import Segment, Span


@dataclass(frozen=True)
class Hysteresis:
    """When a class change is accepted (probabilities in [0, 1], counts in windows)."""

    enter: float = 0.6
    leave: float = 0.4
    min_windows: int = 2


DEFAULT_HYSTERESIS = Hysteresis()


def _boundary(centres: np.ndarray, index: int) -> float:
    return float((centres[index - 1] + centres[index]) / 2)


def _switch_points(probs: np.ndarray, rule: Hysteresis) -> list[tuple[int, int]]:
    """``(first window, class)`` of every run, the first at window 0."""
    best = probs.argmax(axis=1)
    current = int(best[0])
    runs = [(0, current)]
    pending, pending_start = -1, 0
    for i in range(1, len(probs)):
        candidate = int(best[i])
        clear = (candidate != current and probs[i, candidate] >= rule.enter
                 and probs[i, current] < rule.leave)
        if not clear:
            pending = -1
            continue
        if candidate != pending:
            pending, pending_start = candidate, i
        if i - pending_start + 1 >= rule.min_windows:
            current, pending = candidate, -1
            runs.append((pending_start, current))
    # A first run shorter than the minimum was a start-up flicker: fold it into the next.
    if len(runs) > 1 and runs[1][0] < rule.min_windows:
        runs = [(0, runs[1][1])] + runs[2:]
    return runs


def hysteresis_segments(probabilities: np.ndarray, labels: Sequence[str],
                        window_starts: np.ndarray, window_s: float, span: Span,
                        rule: Hysteresis = DEFAULT_HYSTERESIS) -> tuple[Segment, ...]:
    """Merge windows ``[windows, classes]`` into segments covering ``span``.

    A segment's confidence is the mean probability of its label over its windows.
    """
    probs = np.asarray(probabilities, dtype=np.float64)
    if len(probs) == 0:
        return ()
    centres = np.asarray(window_starts, dtype=np.float64) + window_s / 2
    runs = _switch_points(probs, rule)
    segments = []
    for n, (first, label) in enumerate(runs):
        stop = runs[n + 1][0] if n + 1 < len(runs) else len(probs)
        start_s = span[0] if n == 0 else _boundary(centres, first)
        end_s = span[1] if stop == len(probs) else _boundary(centres, stop)
        confidence = float(probs[first:stop, label].mean())
        segments.append(Segment(start_s, end_s, labels[label], confidence))
    return tuple(segments)


def window_margins(probabilities: np.ndarray) -> np.ndarray:
    """Top probability minus the runner-up, per window (1: certain, 0: a tie)."""
    probs = np.asarray(probabilities, dtype=np.float64)
    if probs.shape[0] == 0:
        return np.zeros(0)
    if probs.shape[1] < 2:
        return np.ones(len(probs))
    top_two = np.sort(probs, axis=1)[:, -2:]
    return top_two[:, 1] - top_two[:, 0]


def uncertain_spans(probabilities: np.ndarray, window_starts: np.ndarray, window_s: float,
                    hop_s: float, min_margin: float = 0.3) -> list[Span]:
    """Stretches (seconds) where windows' top-two margin is below ``min_margin``, merged.

    Each doubtful window marks the hop-long stretch around its centre.
    """
    doubtful = window_margins(probabilities) < min_margin
    centres = np.asarray(window_starts, dtype=np.float64) + window_s / 2
    spans: list[Span] = []
    for centre in centres[doubtful]:
        start, end = float(centre - hop_s / 2), float(centre + hop_s / 2)
        if spans and start <= spans[-1][1] + 1e-9:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans

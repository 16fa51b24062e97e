"""Comparing documents the way a user would: every sample bit, every label, every result."""

from __future__ import annotations

import numpy as np

from workbench.core.analysis.results import Classification, EnhancedAudio
from workbench.core.document.document import Document


def sample_bits(doc: Document) -> list[bytes]:
    """Each track's samples as raw float32 bytes (NaN payloads and -0.0 included)."""
    return [t.samples.read().tobytes() for t in doc.tracks]


def assert_documents_equal(a: Document, b: Document, label_ids: bool = True) -> None:
    assert a.sample_rate == b.sample_rate
    assert [(t.name, t.channels, t.samples.frames) for t in a.tracks] == \
        [(t.name, t.channels, t.samples.frames) for t in b.tracks]
    assert sample_bits(a) == sample_bits(b)
    assert tier_values(a, label_ids) == tier_values(b, label_ids)
    assert a.selection == b.selection
    assert a.analyses.keys() == b.analyses.keys()
    for kind in a.analyses:
        assert_results_equal(a.analyses[kind], b.analyses[kind])


def tier_values(doc: Document, ids: bool = True) -> list:
    if ids:
        return list(doc.label_tiers)
    return [(t.name, [(lab.start, lab.end, lab.text) for lab in t.labels])
            for t in doc.label_tiers]


def assert_results_equal(x: object, y: object) -> None:
    assert type(x) is type(y)
    if isinstance(x, Classification):
        assert (x.labels, x.hop_s, x.window_s, x.segments, x.model, x.device, x.elapsed,
                x.span) == (y.labels, y.hop_s, y.window_s, y.segments, y.model, y.device,
                            y.elapsed, y.span)
        assert np.array_equal(x.probabilities, y.probabilities)
        assert x.probabilities.dtype == y.probabilities.dtype
        assert np.array_equal(x.window_starts, y.window_starts)
    elif isinstance(x, EnhancedAudio):
        assert (x.sample_rate, x.model, x.device, x.elapsed, x.span) == \
            (y.sample_rate, y.model, y.device, y.elapsed, y.span)
        assert x.samples.read().tobytes() == y.samples.read().tobytes()
    else:
        assert x == y

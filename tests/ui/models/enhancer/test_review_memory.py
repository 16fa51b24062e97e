"""The enhancer review holds a long span about once: the mix and what was removed are
computed on read, a block at a time, and still play and score exactly."""

import tracemalloc

import numpy as np

from workbench.core.analysis.enhancement_review import enhancement_scores, residual, wet_mix
from workbench.core.analysis.results import EnhancedAudio
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.document import Document, Track
from workbench.runtime.model_jobs import ModelJob
from workbench.ui.models.enhancer.enhancer_review import EnhancerReview

RATE = 16000


def review_of(original, raw):
    frames = len(original)
    doc = Document([Track("t", BlockSequence.from_array(original))], RATE)
    job = ModelJob(None, "enhance", doc, 0, frames, doc.audio_revision, "m", {})
    result = EnhancedAudio(BlockSequence.from_array(raw), RATE, "m", "cpu", 0.0,
                           (0.0, frames / RATE))
    return job, result


def test_moving_the_strength_and_listening_copy_no_whole_version(qapp):
    frames = 120 * RATE
    rng = np.random.default_rng(0)
    original = (rng.standard_normal((frames, 1)) * 0.1).astype(np.float32)
    raw = (original * 0.5).astype(np.float32)
    EnhancerReview(*review_of(original[:RATE], raw[:RATE])).set_wet(0.5)  # first-use imports
    job, result = review_of(original, raw)
    one_copy = original.nbytes
    tracemalloc.start()
    try:
        review = EnhancerReview(job, result)
        review.set_wet(0.3)
        for source in ("enhanced", "residual"):
            review.playback_tracks(source)[0].read(10 * RATE, 11 * RATE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 0.5 * one_copy  # before: about five copies of the span
    enhanced = wet_mix(original, raw, 0.3)
    np.testing.assert_allclose(review.playback_tracks("enhanced")[0].read(), enhanced,
                               atol=1e-6)
    np.testing.assert_allclose(review.version("residual").read(),
                               residual(original, enhanced), atol=1e-6)
    expected = enhancement_scores(original, enhanced, RATE)
    assert abs(review.scores.removed_db - expected.removed_db) < 1e-3
    assert review.scores.snr_after_db == expected.snr_after_db
    np.testing.assert_allclose(review.output().samples.read(), enhanced, atol=1e-6)

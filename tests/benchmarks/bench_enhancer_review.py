"""Memory of the enhancer review on a 10-minute 48 kHz stereo span.

A fresh process builds a document and an enhancer result (noise; the model is not
what is measured), then, under tracemalloc, does what a review does: opens it,
moves the dry/wet control to 50 %, plays a block of the enhanced and the residual
version, computes the three spectrogram rows and the gain row, and takes the
result to apply (which, at 50 %, must be stored: one copy).  The peer is one
float32 copy of the span.  Before the mix and residual were computed on read
(2026-12-06) the peak was 7.0 copies (1.62 GB) and took 27 s here; after, 1.1 copies.
"""

from __future__ import annotations

import sys

from tests.benchmarks.harness import Metric, run_script

MINUTES = 10
PEER_RATIO = 1.5

SCRIPT = r"""
import json, sys, tracemalloc
import numpy as np
from PySide6.QtCore import QCoreApplication
app = QCoreApplication([])
from workbench.core.analysis.enhancement_review import review_images_task
from workbench.core.analysis.results import EnhancedAudio
from workbench.core.analysis.spectrogram import SpectrogramSettings
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.document import Document, Track
from workbench.core.jobs import run_to_completion
from workbench.runtime.model_jobs import ModelJob
from workbench.ui.models.enhancer.enhancer_review import SOURCES, EnhancerReview

rate, channels = 48000, 2
frames = int(float(sys.argv[1]) * 60 * rate)
rng = np.random.default_rng(0)
def noise():
    seq = BlockSequence.empty(channels)
    for i in range(0, frames, 1 << 20):
        n = min(1 << 20, frames - i)
        seq = seq.concat(BlockSequence.from_array(
            (rng.standard_normal((n, channels)) * 0.1).astype(np.float32)))
    return seq
doc = Document([Track("t", noise())], rate)
result = EnhancedAudio(noise(), rate, "m", "cpu", 0.0, (0.0, frames / rate))
job = ModelJob(None, "enhance", doc, 0, frames, doc.audio_revision, "m", {})
tracemalloc.start()
review = EnhancerReview(job, result, 1.0)
del result
review.set_wet(0.5)
for source in ("enhanced", "residual"):
    review.playback_tracks(source)[0].read(rate * 30, rate * 31)
run_to_completion(review_images_task({s: review.version(s) for s in SOURCES}, rate,
                                     SpectrogramSettings()))
out = review.output()
_, peak = tracemalloc.get_traced_memory()
print(json.dumps({"peak_bytes": peak, "copy_bytes": frames * channels * 4}))
"""


def run() -> list[Metric]:
    result = run_script(SCRIPT, str(MINUTES))
    peak, copy = result["peak_bytes"] / 2**20, result["copy_bytes"] / 2**20
    print(f"bench_enhancer_review: peak {peak:.0f} MiB, one copy {copy:.0f} MiB",
          file=sys.stderr)
    return [Metric(f"enhancer review peak memory, {MINUTES} min 48k st", peak, "MiB",
                   "one copy of the span", copy, f"<= {PEER_RATIO}x peer",
                   peak <= PEER_RATIO * copy)]


if __name__ == "__main__":
    from tests.benchmarks.harness import print_table

    print_table(run())

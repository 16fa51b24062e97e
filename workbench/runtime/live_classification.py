"""Live classes of the take being recorded, computed on the live lane while it records.

`LiveClassification.start(rate, model)` submits one job that runs for the whole
take: the GUI thread hands it the recorder's new samples with `feed(first_frame,
frames)` (through a thread-safe queue; the worker never touches the recorder), and
it sends back the windows classified so far as `classes_changed(Classification)`
whenever new windows are in.  `end()` says the take is over: the worker classifies
what is queued, adds the end window as the classify task does and emits
`finished(Classification)`.  Times are seconds from the take's first frame.  A gap
in the frames fed (the recorder's ring overflowed while the GUI stalled) is filled
with silence so later windows keep their times.

Why the live lane and not the model lane: live words hold the model lane (one
thread) for the whole take, so a classifier queued there would only start after
the take.  One job feeding both models would couple the recognizer and classifier
rooms, and a slow recognizer step would delay the classes.  The classifier's own
single-thread lane lets each keep up on its own core; it is cheap (one small CNN
pass per 0.24 s hop), so it does not starve live words on a 2-core machine.

The take-long job itself (the queue, gaps, ending, cancelling) is
`runtime.live_take_job.LiveTakeJob`; this names the classifier's part.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, SignalInstance

from workbench.runtime.live_take_job import LiveTakeJob

LIVE_CLASSIFY_KIND = "live-classify"


class LiveClassification(LiveTakeJob):
    """One live classification at a time (see module doc)."""

    classes_changed = Signal(object)  # Classification: the windows so far
    # finished: Classification, the whole take
    kind, title, lane, task_name = LIVE_CLASSIFY_KIND, "Live classes", "live", "classify"

    def so_far_signal(self) -> SignalInstance:
        return self.classes_changed

    @staticmethod
    def _live_task(next_block, rate, cancel, provider):
        """The live classification on the live lane: torch is imported here, on the worker."""
        from workbench.ml.classifier.live import live_classify
        return (yield from live_classify(next_block, rate, {}, cancel, provider))

"""Live words of the take being recorded, computed on the model lane while it records.

`LiveTranscription.start(rate, model)` submits one job that runs for the whole
take: the GUI thread hands it the recorder's new samples with `feed(first_frame,
frames)` (through a thread-safe queue; the worker never touches the recorder),
and it sends back the greedy words heard so far as `words_changed(Transcript)`
whenever they change.  `end()` says the take is over: the worker drains what is
queued, decodes the whole take as the transcribe task does and emits
`finished(Transcript)`.  Word times are seconds from the take's first frame.  A
gap in the frames fed (the recorder's ring overflowed while the GUI stalled) is
filled with silence so later words keep their times.

The take-long job itself (the queue, gaps, ending, cancelling) is
`runtime.live_take_job.LiveTakeJob`; this names the recognizer's part.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, SignalInstance

from workbench.runtime.live_take_job import LiveTakeJob

LIVE_KIND = "live-transcribe"


class LiveTranscription(LiveTakeJob):
    """One live transcription at a time (see module doc)."""

    words_changed = Signal(object)  # Transcript: the greedy words so far
    # finished: Transcript, the whole take, decoded
    kind, title, lane, task_name = LIVE_KIND, "Live words", "gpu", "transcribe"

    def so_far_signal(self) -> SignalInstance:
        return self.words_changed

    @staticmethod
    def _live_task(next_block, rate, cancel, provider):
        """The live transcription on the model lane: torch is imported here, on the worker."""
        from workbench.ml.recognizer.live import live_transcribe
        return (yield from live_transcribe(next_block, rate, {}, cancel, provider))

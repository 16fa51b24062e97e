"""Lost input is found from the clock: real gaps are filled, late delivery, jitter and drift are not."""

import numpy as np

from workbench.core.audio.input_gaps import GapVerdict, InputGapDetector

RATE = 48000


def run(blocks, detector=None):
    """Feed (time_s, frames) blocks like the capture loop does.

    Returns (fills, held): fills are (index of the block the silence follows, frames);
    held counts blocks that were held back at some point.
    """
    detector = detector or InputGapDetector(RATE)
    fills, held, suspect_at = [], 0, None
    for i, (t, n) in enumerate(blocks):
        check = detector.observe(t, n)
        if check.verdict is GapVerdict.SUSPECT:
            suspect_at = i
        elif check.verdict is GapVerdict.HOLD:
            held += 1
        elif check.verdict is GapVerdict.RESOLVED and check.lost_frames:
            fills.append((suspect_at, check.lost_frames))
    return fills, held


def steady(seconds, period=0.005, jitter=0.0, seed=0, rate_scale=1.0):
    """Blocks read every `period` s holding what the device produced meanwhile."""
    rng = np.random.default_rng(seed)
    blocks, taken = [], 0
    for k in range(int(seconds / period)):
        n = int(k * period * RATE * rate_scale) - taken
        taken += n
        blocks.append((k * period + abs(rng.normal(0, jitter)), n))
    return blocks


def test_steady_input_with_jitter_has_no_gaps():
    assert run(steady(10.0, jitter=0.002)) == ([], 0)


def test_a_late_reader_that_gets_everything_is_not_a_gap():
    blocks = steady(2.0)
    t, _ = blocks[200]
    backlog = sum(n for _, n in blocks[200:260])  # read 300 ms late, all of it there
    assert run(blocks[:200] + [(t + 0.3, backlog)] + blocks[260:]) == ([], 0)


def test_late_delivery_is_held_back_then_passed_without_silence():
    blocks = steady(3.0)
    late = sum(n for _, n in blocks[300:360])
    # 300 ms of reads find nothing, then everything arrives at once: nothing was lost
    delayed = blocks[:300] + [(t, 0) for t, _ in blocks[300:360]]
    delayed[359] = (blocks[359][0], late)
    fills, held = run(delayed + blocks[360:])
    assert fills == [] and held > 0


def test_lost_frames_are_filled_once_after_the_block_that_showed_the_loss():
    blocks = steady(3.0)
    missing = sum(n for _, n in blocks[300:350])  # 250 ms of blocks never arrive
    fills, _ = run(blocks[:300] + blocks[350:])
    assert len(fills) == 1
    index, frames = fills[0]
    assert index == 300
    assert abs(frames - missing) <= 0.006 * RATE  # within about one block


def test_a_loss_seen_through_jitter_is_measured_at_its_settled_size():
    blocks = steady(4.0, jitter=0.003, seed=4)
    missing = sum(n for _, n in blocks[400:420])  # 100 ms
    fills, _ = run(blocks[:400] + blocks[420:])
    assert len(fills) == 1 and abs(fills[0][1] - missing) <= 0.006 * RATE


def test_a_slow_device_clock_is_drift_not_loss():
    # 300 ppm slow over 10 minutes would be 8640 frames "missing" at the end
    assert run(steady(600.0, period=0.02, rate_scale=1 - 300e-6))[0] == []


def test_a_fast_device_clock_is_fine_too():
    assert run(steady(600.0, period=0.02, rate_scale=1 + 300e-6))[0] == []

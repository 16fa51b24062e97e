"""The job runner: results, progress order, cancel, failures, both lanes, clean shutdown."""

import threading

from workbench.core.jobs import JobRequest, Partial, Progress
from workbench.runtime.job_runner import JobRunner


def counting_task(n, gate=None):
    def task(cancel):
        for i in range(n):
            if gate is not None:
                gate.wait(5)
            cancel.check()
            yield Progress((i + 1) / n, f"step {i + 1}")
            yield Partial(i)
        return sum(range(n))
    return task


def test_result_partials_and_progress_arrive_in_order_on_the_gui_thread(qtbot, runner):
    seen, partials, threads = [], [], []
    handle = runner.submit(JobRequest("count", "Count"), counting_task(5))
    handle.progressed.connect(lambda p: (seen.append(p.fraction),
                                         threads.append(threading.current_thread())))
    handle.partial_ready.connect(partials.append)
    with qtbot.waitSignal(handle.finished, timeout=5000) as sig:
        pass
    assert sig.args == [10]
    assert partials == [0, 1, 2, 3, 4]
    assert seen == sorted(seen) and seen[-1] == 1.0
    assert set(threads) == {threading.main_thread()}
    assert handle.state == "finished" and runner.is_idle()


def test_cancel_is_acknowledged_and_no_result_is_delivered(qtbot, runner):
    gate = threading.Event()
    handle = runner.submit(JobRequest("slow", "Slow"), counting_task(1000, gate))
    finished = []
    handle.finished.connect(finished.append)
    with qtbot.waitSignal(handle.started, timeout=5000):
        pass
    with qtbot.waitSignal(handle.cancelled, timeout=1000):
        handle.cancel()
        gate.set()
    assert finished == [] and handle.state == "cancelled"


def test_a_task_cancelled_between_its_yields_cleans_up_before_cancelled_is_heard(
        qtbot, runner):
    gate, cleaned = threading.Event(), []

    def task(cancel):
        try:
            while True:
                gate.wait(5)
                yield Progress(None)  # the runner sees the cancel here, not the task
        finally:  # what a training does: write its checkpoint, which takes a while
            threading.Event().wait(0.3)
            cleaned.append("saved")
    handle = runner.submit(JobRequest("slow", "Slow"), task)
    heard = []
    handle.cancelled.connect(lambda: heard.append(list(cleaned)))
    with qtbot.waitSignal(handle.started, timeout=5000):
        pass
    with qtbot.waitSignal(handle.cancelled, timeout=5000):
        handle.cancel()
        gate.set()
    assert heard == [["saved"]]


def test_a_failing_task_reports_its_exception(qtbot, runner):
    def task(cancel):
        yield Progress(0.5)
        raise ValueError("the input was odd")
    handle = runner.submit(JobRequest("bad", "Bad"), task)
    with qtbot.waitSignal(handle.failed, timeout=5000) as sig:
        pass
    assert isinstance(sig.args[0], ValueError) and handle.state == "failed"
    assert str(handle.error) == "the input was odd"


def test_gpu_lane_runs_one_job_at_a_time(qtbot, runner):
    active, peak = [0], [0]
    lock = threading.Lock()

    def task(cancel):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        for _ in range(2000):
            yield Progress(None)
        with lock:
            active[0] -= 1
        return True
    handles = [runner.submit(JobRequest("m", "Model", lane="gpu"), task) for _ in range(3)]
    qtbot.waitUntil(lambda: all(h.done for h in handles), timeout=10000)
    assert peak[0] == 1 and all(h.result for h in handles)


def test_shutdown_cancels_running_jobs(qtbot, qapp):
    r = JobRunner(cpu_threads=1)
    gate = threading.Event()
    handle = r.submit(JobRequest("slow", "Slow"), counting_task(10**6, gate))
    with qtbot.waitSignal(handle.started, timeout=5000):
        pass
    gate.set()
    assert r.shutdown(timeout_ms=2000)
    qtbot.waitUntil(lambda: handle.state == "cancelled", timeout=2000)


def test_finished_handles_and_what_their_slots_capture_are_freed(qtbot, runner):
    import gc
    import weakref

    class Payload:
        pass

    payload = Payload()
    handle = runner.submit(JobRequest("count", "Count"), counting_task(3))
    handle.finished.connect(lambda _r, p=payload: p)  # a slot that captures something
    with qtbot.waitSignal(handle.ended, timeout=5000):
        pass
    refs = weakref.ref(handle), weakref.ref(payload)
    del handle, payload

    def freed() -> bool:  # the worker thread lets go of its frame a moment after `ended`
        gc.collect()
        return [r() for r in refs] == [None, None]
    qtbot.waitUntil(freed, timeout=5000)


def test_a_quick_job_still_reports_its_first_measured_step_and_its_end(qtbot, runner):
    def task(cancel):
        yield Progress(None, "loading")
        for i in range(1, 5):  # far faster than the 20-per-second throttle
            yield Progress(i / 4, f"step {i}")
        return "done"
    seen = []
    handle = runner.submit(JobRequest("quick", "Quick"), task)
    handle.progressed.connect(lambda p: seen.append(p.fraction))
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert seen[0] is None and seen[1] == 0.25 and seen[-1] == 1.0

"""LatestJobs: a newer job for a key cancels the older one, and only the latest job's
result (or error) reaches the callbacks; other keys are untouched."""

import threading

from workbench.core.jobs import JobRequest
from workbench.runtime.inspection_jobs import LatestJobs


def gated(value, gate):
    def task(cancel):
        while not gate.wait(0.01):
            cancel.check()
        return value
        yield  # a generator
    return task


def test_a_newer_job_supersedes_the_older_one_of_its_key_only(qtbot, runner):
    jobs, heard, errors = LatestJobs(runner), [], []
    gate = threading.Event()
    first = jobs.submit("a", JobRequest("k", "first"), gated(1, gate), heard.append,
                        errors.append)
    other = jobs.submit("b", JobRequest("k", "other"), gated(3, gate), heard.append,
                        errors.append)
    second = jobs.submit("a", JobRequest("k", "second"), gated(2, gate), heard.append,
                         errors.append)
    gate.set()
    qtbot.waitUntil(lambda: first.done and second.done and other.done, timeout=5000)
    assert first.state == "cancelled"
    assert sorted(heard) == [2, 3] and errors == []


def test_forgetting_a_key_drops_its_late_result(qtbot, runner):
    jobs, heard = LatestJobs(runner), []
    gate = threading.Event()
    handle = jobs.submit("a", JobRequest("k", "one"), gated(1, gate), heard.append,
                         heard.append)
    jobs.forget("a")
    gate.set()
    qtbot.waitUntil(lambda: handle.done, timeout=5000)
    assert heard == []

"""Garbage cycles are freed on the GUI thread, never inside a job (see runtime/gui_thread_gc)."""

import gc
import threading
import weakref

from workbench.core.jobs import JobRequest


class Node:
    pass


def test_a_cycle_dropped_while_a_job_allocates_is_freed_on_the_gui_thread(qtbot, runner):
    freed_on = []
    first, second = Node(), Node()
    first.other, second.other = second, first
    weakref.finalize(first, lambda: freed_on.append(threading.current_thread()))
    del first, second

    def allocating(cancel):
        # Far more new containers than the youngest generation's threshold, kept (they are
        # the result): automatic collection would have run, and freed the cycle, on this
        # worker thread while they were made.
        return [[i] for i in range(20 * gc.get_threshold()[0])]
        yield  # a generator task

    assert not gc.isenabled()  # the runner turned automatic collection off
    handle = runner.submit(JobRequest("alloc", "Allocate"), allocating)
    with qtbot.waitSignal(handle.finished, timeout=10000):
        pass
    qtbot.waitUntil(lambda: bool(freed_on), timeout=5000)
    assert freed_on == [threading.main_thread()]

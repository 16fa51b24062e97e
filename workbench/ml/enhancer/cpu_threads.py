"""One CPU thread for the enhancer room's small per-frame torch work (see one_cpu_thread)."""

from __future__ import annotations

from contextlib import contextmanager

import torch


@contextmanager
def one_cpu_thread(device: torch.device):
    """On the CPU, compute on one thread: the net's per-frame steps are small, and extra
    threads only wait for each other (measured on a busy 2-core machine: real-time factor
    0.007 on one thread, 0.9-1.6 on two).  Torch work runs on the one GPU lane, so
    nothing else uses torch meanwhile; the setting is restored afterwards."""
    if device.type != "cpu":
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)

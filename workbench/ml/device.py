"""Which torch device models run on, and falling back to the CPU when the GPU is full.

The preference is taken from, in order: an explicit argument (the CLI's
``--device`` flag), the WORKBENCH_DEVICE environment variable, the user's
setting, else "auto".  "auto" picks CUDA when torch sees a CUDA device, else
the CPU.  A name that is not a device, or one this machine cannot run, is a
DeviceError naming where the name came from.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import torch

from workbench.ml.errors import DeviceError

DEVICE_ENV = "WORKBENCH_DEVICE"
DEVICE_CHOICES = ("auto", "cpu", "cuda", "cuda:N", "mps")

_log = logging.getLogger(__name__)
_CUDA_NAME = re.compile(r"cuda(?::(\d+))?")
T = TypeVar("T")


def choose_device(preference: str | None = None, setting: str | None = None) -> torch.device:
    """Resolve the device to run models on (see the module docstring for the order)."""
    name, source = _first_given(
        (preference, "--device"),
        (os.environ.get(DEVICE_ENV), f"the {DEVICE_ENV} environment variable"),
        (setting, "the device setting"),
    )
    return _resolve(name.strip().lower(), name, source)


def _first_given(*candidates: tuple[str | None, str]) -> tuple[str, str]:
    for value, source in candidates:
        if value is not None and value.strip():
            return value, source
    return "auto", "the default"


def _resolve(name: str, given: str, source: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda:0") if torch.cuda.is_available() else torch.device("cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name == "mps":
        if not torch.backends.mps.is_available():
            raise DeviceError(given, source, "Apple MPS is not available on this machine")
        return torch.device("mps")
    match = _CUDA_NAME.fullmatch(name)
    if match is None:
        raise DeviceError(given, source, "not a device name; use one of "
                                         + ", ".join(DEVICE_CHOICES))
    if not torch.cuda.is_available():
        raise DeviceError(given, source, "CUDA was asked for but torch sees no CUDA device "
                                         "(no NVIDIA GPU, no driver, or a CPU-only torch build)")
    index = int(match.group(1) or 0)
    count = torch.cuda.device_count()
    if index >= count:
        raise DeviceError(given, source, f"there is no CUDA device {index}; this machine has "
                                         f"{count} (numbered from 0)")
    return torch.device("cuda", index)


@dataclass(frozen=True)
class DeviceRun(Generic[T]):
    """What `run_with_oom_fallback` returns: the result, the device that produced
    it, and a message for the user when the run fell back to the CPU (else None)."""

    result: T
    device: torch.device
    fallback_message: str | None = None


def run_with_oom_fallback(fn: Callable[[torch.device], T], device: torch.device) -> DeviceRun[T]:
    """Call ``fn(device)``; if the accelerator runs out of memory, call ``fn(cpu)`` instead.

    `fn` must build or move everything it needs onto the device it is given,
    so the retry starts clean.  Errors other than out-of-memory, and any error
    of the CPU retry, propagate unchanged.
    """
    if device.type == "cpu":
        return DeviceRun(fn(device), device)
    try:
        return DeviceRun(fn(device), device)
    except torch.OutOfMemoryError as oom:
        detail = str(oom).strip().splitlines()[0] if str(oom).strip() else "out of memory"
    # Outside the except block, so the traceback (and the GPU tensors its frames
    # hold) is released before the memory is handed back and the CPU run starts.
    if device.type == "cuda":
        torch.cuda.empty_cache()
    message = f"Out of memory on {device}; ran on the CPU instead, which is slower ({detail})"
    _log.warning(message)
    cpu = torch.device("cpu")
    return DeviceRun(fn(cpu), cpu, message)

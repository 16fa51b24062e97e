"""Exceptions raised by model loading, downloading and device choice.

Callers (the job runner, the CLI, the model manager) tell failures apart by
exception class and attributes, never by the message text.  Every class keeps
its constructor arguments in `args`, so the errors survive pickling when they
cross a process boundary.
"""

from __future__ import annotations

from pathlib import Path


class ModelLoadError(Exception):
    """A model file could not be used: `path` names the file, `reason` says why.

    Raised before anything is copied into a module, so the model already in use
    keeps working.
    """

    def __init__(self, path: str | Path, reason: str) -> None:
        super().__init__(path, reason)
        self.path = Path(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot load model file {self.path}: {self.reason}"


class PretrainedNotDownloadedError(ModelLoadError):
    """A public pretrained model was asked for before its files were downloaded."""


class ModelDownloadError(Exception):
    """Fetching `url` failed (no network, HTTP error, interrupted transfer)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)
        self.url = url
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.reason} (while downloading {self.url})"


class UnknownModelError(LookupError):
    """No model of that name exists in the zoo or the pretrained list."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        super().__init__(name, known)
        self.name = name
        self.known = known

    def __str__(self) -> str:
        choices = ", ".join(self.known) if self.known else "none available"
        return f"no model named {self.name!r} (known: {choices})"


class DeviceError(Exception):
    """A compute device name is invalid or names hardware this machine lacks.

    `requested` is the name as given, `source` where it came from (for example
    "--device" or "WORKBENCH_DEVICE"), `reason` what is wrong with it.
    """

    def __init__(self, requested: str, source: str, reason: str) -> None:
        super().__init__(requested, source, reason)
        self.requested = requested
        self.source = source
        self.reason = reason

    def __str__(self) -> str:
        return f"device {self.requested!r} (from {self.source}): {self.reason}"

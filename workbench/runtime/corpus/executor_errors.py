"""Errors an executor raises before any file runs (no cluster to start or join)."""


class ExecutorError(RuntimeError):
    """The executor cannot run at all; the message says why and what to do."""

"""Loaded models kept per (model name, device), so each is built and loaded once.

Importing this module does not import torch: the application builds the cache
at start-up and hands it to the tasks, which run on worker threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

CacheKey = tuple[str, str]


class ModelCache:
    """A least-recently-used cache of loaded models keyed by (name, device).

    Thread-safe: any thread may call any method.  Two threads asking for the
    same missing key get one load between them (the second waits); loads of
    different keys run in parallel.  A loader that raises caches nothing, so
    the next call tries again.  The cache owns the models it holds; callers
    must not move them to another device.  Built by the application and passed
    in, never global.
    """

    def __init__(self, max_models: int = 4) -> None:
        if max_models < 1:
            raise ValueError(f"max_models must be at least 1, got {max_models}")
        self._max_models = max_models
        self._models: OrderedDict[CacheKey, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict[CacheKey, threading.Lock] = {}

    def get_or_load(self, name: str, device: torch.device | str,
                    loader: Callable[[], Any]) -> Any:
        """Return the cached model for (name, device), calling `loader()` if absent.

        `loader` builds the model on `device` and returns it; its exceptions
        (ModelLoadError, ...) propagate to the caller.
        """
        key = (name, str(device))
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key]
            key_lock = self._loading.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._models:  # another thread finished loading it meanwhile
                    self._models.move_to_end(key)
                    return self._models[key]
            model = loader()
            with self._lock:
                self._models[key] = model
                while len(self._models) > self._max_models:
                    self._models.popitem(last=False)
                self._loading.pop(key, None)
            return model

    def discard(self, name: str, device: torch.device | str | None = None) -> None:
        """Forget `name` on `device` (on every device when None), e.g. after new weights."""
        with self._lock:
            for key in [k for k in self._models if k[0] == name]:
                if device is None or key[1] == str(device):
                    del self._models[key]

    def clear(self) -> None:
        """Forget every model (e.g. when the user switches device)."""
        with self._lock:
            self._models.clear()

    def keys(self) -> list[CacheKey]:
        """The cached (name, device) pairs, least recently used first."""
        with self._lock:
            return list(self._models)

    def __len__(self) -> int:
        with self._lock:
            return len(self._models)

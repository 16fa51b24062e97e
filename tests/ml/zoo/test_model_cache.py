"""Each (model, device) is loaded once, failures are not cached, threads share one load."""

import threading

import pytest

from workbench.ml.zoo.model_cache import ModelCache


class CountingLoader:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return object()


def test_a_model_is_loaded_once_per_device():
    cache, loader = ModelCache(), CountingLoader()

    first = cache.get_or_load("asr", "cpu", loader)
    again = cache.get_or_load("asr", "cpu", loader)
    on_gpu = cache.get_or_load("asr", "cuda:0", loader)

    assert first is again and on_gpu is not first
    assert loader.calls == 2
    assert cache.keys() == [("asr", "cpu"), ("asr", "cuda:0")]


def test_the_least_recently_used_model_is_dropped():
    cache = ModelCache(max_models=2)
    cache.get_or_load("a", "cpu", object)
    cache.get_or_load("b", "cpu", object)
    cache.get_or_load("a", "cpu", object)  # "a" is now the most recent

    cache.get_or_load("c", "cpu", object)

    assert cache.keys() == [("a", "cpu"), ("c", "cpu")]


def test_a_failed_load_is_not_cached():
    cache = ModelCache()

    def broken():
        raise OSError("disk gone")

    with pytest.raises(OSError):
        cache.get_or_load("asr", "cpu", broken)
    assert len(cache) == 0
    assert cache.get_or_load("asr", "cpu", lambda: "model") == "model"


def test_discard_forgets_one_model_on_one_or_all_devices():
    cache = ModelCache()
    for name, device in [("a", "cpu"), ("a", "cuda:0"), ("b", "cpu")]:
        cache.get_or_load(name, device, object)

    cache.discard("a", "cuda:0")
    assert cache.keys() == [("a", "cpu"), ("b", "cpu")]
    cache.discard("a")
    assert cache.keys() == [("b", "cpu")]
    cache.clear()
    assert len(cache) == 0


def test_threads_asking_for_the_same_model_share_one_load():
    cache = ModelCache()
    entered, release = threading.Event(), threading.Event()
    calls = []

    def slow_loader():
        calls.append(1)
        entered.set()
        release.wait()
        return object()

    results = []
    threads = [threading.Thread(target=lambda: results.append(
        cache.get_or_load("asr", "cpu", slow_loader))) for _ in range(4)]
    for t in threads:
        t.start()
    entered.wait()
    release.set()
    for t in threads:
        t.join()

    assert len(calls) == 1
    assert len(results) == 4 and all(r is results[0] for r in results)


def test_max_models_must_be_positive():
    with pytest.raises(ValueError, match="max_models"):
        ModelCache(max_models=0)

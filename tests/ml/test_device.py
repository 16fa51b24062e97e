"""Device choice follows flag > environment > setting > auto; OOM on the GPU falls back to CPU."""

import pytest
import torch

from workbench.ml.device import DEVICE_ENV, choose_device, run_with_oom_fallback
from workbench.ml.errors import DeviceError


@pytest.fixture
def no_cuda(monkeypatch):
    """Behave as a machine without CUDA, whatever this one has."""
    monkeypatch.delenv(DEVICE_ENV, raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)


@pytest.fixture
def one_cuda(monkeypatch):
    """Behave as a machine with one CUDA device (choose_device never touches it)."""
    monkeypatch.delenv(DEVICE_ENV, raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)


def test_auto_is_cpu_without_cuda(no_cuda):
    assert choose_device() == torch.device("cpu")
    assert choose_device("auto") == torch.device("cpu")


def test_auto_is_the_first_gpu_with_cuda(one_cuda):
    assert choose_device() == torch.device("cuda", 0)


def test_flag_beats_environment_beats_setting(one_cuda, monkeypatch):
    assert choose_device(setting="cpu") == torch.device("cpu")
    monkeypatch.setenv(DEVICE_ENV, "cuda")
    assert choose_device(setting="cpu") == torch.device("cuda", 0)
    assert choose_device("CPU", setting="cuda") == torch.device("cpu")


def test_blank_values_fall_through(no_cuda, monkeypatch):
    monkeypatch.setenv(DEVICE_ENV, "  ")
    assert choose_device("", setting=None) == torch.device("cpu")


def test_an_invalid_name_says_where_it_came_from(no_cuda, monkeypatch):
    monkeypatch.setenv(DEVICE_ENV, "gpu")

    with pytest.raises(DeviceError) as caught:
        choose_device(setting="cpu")

    assert caught.value.requested == "gpu"
    assert DEVICE_ENV in caught.value.source
    assert "cuda" in caught.value.reason and "cpu" in caught.value.reason


def test_cuda_without_cuda_is_a_clear_error(no_cuda):
    with pytest.raises(DeviceError) as caught:
        choose_device("cuda")

    assert caught.value.source == "--device"
    assert "no CUDA device" in caught.value.reason


def test_a_gpu_number_the_machine_lacks_is_refused(one_cuda):
    assert choose_device("cuda:0") == torch.device("cuda", 0)
    with pytest.raises(DeviceError, match="no CUDA device 3"):
        choose_device(setting="cuda:3")


def test_out_of_memory_on_the_gpu_reruns_on_the_cpu():
    calls = []

    def work(device):
        calls.append(device.type)
        if device.type == "cuda":
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return torch.ones(3, device=device).sum().item()

    run = run_with_oom_fallback(work, torch.device("cuda", 0))

    assert calls == ["cuda", "cpu"]
    assert (run.result, run.device) == (3.0, torch.device("cpu"))
    assert "CPU" in run.fallback_message and "cuda:0" in run.fallback_message


def test_no_fallback_message_when_the_device_copes():
    run = run_with_oom_fallback(lambda device: device.type, torch.device("cpu"))

    assert (run.result, run.device, run.fallback_message) == ("cpu", torch.device("cpu"), None)


def test_other_errors_are_not_hidden_by_a_retry():
    calls = []

    def work(device):
        calls.append(device.type)
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        run_with_oom_fallback(work, torch.device("cuda", 0))
    assert calls == ["cuda"]


def test_out_of_memory_on_the_cpu_propagates():
    def work(device):
        raise torch.OutOfMemoryError("cannot allocate")

    with pytest.raises(torch.OutOfMemoryError):
        run_with_oom_fallback(work, torch.device("cpu"))

"""Fixtures for the ml tests: a private torch hub cache and hostile pickles with a canary."""

import pickle

import pytest

from tests.ml.payloads import CanaryPayload


@pytest.fixture(autouse=True)
def _isolated_torch_home(tmp_path_factory, monkeypatch):
    """torch.hub's cache (pretrained checkpoints) lives in a temporary folder per test."""
    torch_home = tmp_path_factory.mktemp("torch-home")
    monkeypatch.setenv("TORCH_HOME", str(torch_home))
    return torch_home


@pytest.fixture
def canary(tmp_path):
    """A path that must still not exist at the end of a hostile-file test."""
    path = tmp_path / "canary-was-created"
    yield path
    assert not path.exists(), "loading a hostile file ran code from it"


@pytest.fixture
def hostile_pickle_bytes(canary):
    return pickle.dumps(CanaryPayload(canary), protocol=4)

"""The environment is the lock: the drift check fails loudly, torchaudio's extension loads."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT / ".ci" / "check_env.py"
LOCK = ROOT / "requirements" / f"lock-py{sys.version_info[0]}.{sys.version_info[1]}.txt"


def _check(lock: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECK), str(lock)], capture_output=True,
                          text=True, timeout=120)


def _lock_with(tmp_path: Path, edit) -> Path:
    lines = LOCK.read_text().splitlines()
    path = tmp_path / "lock.txt"
    path.write_text("\n".join(edit(lines)) + "\n")
    return path


def test_the_running_environment_matches_its_lock():
    result = _check(LOCK)
    assert result.returncode == 0, result.stderr


def test_a_package_at_another_version_is_drift(tmp_path):
    lock = _lock_with(tmp_path, lambda lines: [
        line.replace("numpy==", "numpy==0.0.") if line.startswith("numpy==") else line
        for line in lines])
    result = _check(lock)
    assert result.returncode == 1
    assert "different: numpy is" in result.stderr
    assert "make clean-venv" in result.stderr


def test_an_installed_package_the_lock_does_not_name_is_drift(tmp_path):
    lock = _lock_with(tmp_path, lambda lines: [
        line for line in lines if not line.startswith("soundfile==")])
    result = _check(lock)
    assert result.returncode == 1
    assert "not in the lock: soundfile==" in result.stderr


def test_a_locked_package_that_is_not_installed_is_drift(tmp_path):
    lock = _lock_with(tmp_path, lambda lines: lines + ["no-such-package==1.0"])
    result = _check(lock)
    assert result.returncode == 1
    assert "missing: no-such-package==1.0" in result.stderr


def test_a_lock_line_that_is_no_exact_pin_names_the_line(tmp_path):
    lock = tmp_path / "lock.txt"
    lock.write_text("numpy>=1\n")
    result = _check(lock)
    assert result.returncode != 0
    assert f"{lock}:1: not an exact pin" in result.stderr


def test_torchaudio_compiled_extension_loads_and_runs():
    torch = pytest.importorskip("torch")
    import torchaudio.functional as F

    # forced_align is one of torchaudio's compiled operators: it runs only when
    # libtorchaudio loaded against this torch (2.11.1 with torch 2.11.0 did not).
    log_probs = torch.log_softmax(torch.randn(1, 20, 5), dim=-1)
    targets = torch.tensor([[1, 2, 3]], dtype=torch.int32)
    alignment, scores = F.forced_align(log_probs, targets, blank=0)
    assert alignment.shape == (1, 20)
    assert set(alignment[0].tolist()) <= {0, 1, 2, 3}
    resampled = F.resample(torch.ones(1, 160), 16000, 8000)
    assert resampled.shape == (1, 80)

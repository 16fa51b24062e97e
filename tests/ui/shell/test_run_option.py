"""`workbench FILE --screenshot OUT --run KINDS`: model jobs run, are waited for, then the shot."""

import os
import subprocess
import sys
from pathlib import Path

from tests.tiny_models import make_zoo

ROOT = Path(__file__).resolve().parents[3]


def run_workbench(*args):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "workbench", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def test_screenshot_waits_for_two_model_jobs_in_a_row(tmp_path, tone_file):
    # Two jobs on the one GPU-lane thread: the second once froze the app (torch_import.py).
    zoo = make_zoo(tmp_path / "zoo", classifier=False)
    shot = tmp_path / "shot.png"
    out = run_workbench(tone_file, "--screenshot", shot, "--run", "enhance,transcribe",
                        "--zoo", zoo, "--device", "cpu")
    assert out.returncode == 0, out.stderr
    assert shot.stat().st_size > 10_000
    # the results were applied (the document changed), yet a render leaves nothing to recover
    recovery = Path(os.environ["WORKBENCH_DATA_DIR"]) / "recovery"
    assert not recovery.exists() or not any(recovery.iterdir())


def test_a_failing_run_still_shoots_and_exits_4(tmp_path, tone_file):
    empty = tmp_path / "empty"
    empty.mkdir()
    shot = tmp_path / "shot.png"
    out = run_workbench(tone_file, "--screenshot", shot, "--run", "transcribe", "--zoo", empty)
    assert out.returncode == 4 and shot.exists()
    assert "no recognizer model installed" in out.stderr


def test_unknown_run_kinds_are_a_usage_error(tmp_path):
    out = run_workbench("--screenshot", tmp_path / "x.png", "--run", "transcribe,dance")
    assert out.returncode == 2 and "unknown model job 'dance'" in out.stderr
    assert not (tmp_path / "x.png").exists()

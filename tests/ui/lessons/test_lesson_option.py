"""`workbench FILE --lesson LESSON --lesson-step N --screenshot OUT`: a lesson's step, shot."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LESSON = """\
# Shot
## One
```step
open: current
window: 512
hop: 128
```
First.
## Two
```step
view: 0.5 1.5
highlight: 0.8 1.0
point: spectrogram
```
Second.
"""


def run_workbench(*args):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "workbench", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


def test_a_lesson_step_is_rendered_into_the_screenshot(tmp_path, tone_file):
    lesson = tmp_path / "shot.md"
    lesson.write_text(LESSON, encoding="utf-8")
    shot = tmp_path / "shot.png"
    out = run_workbench(tone_file, "--lesson", lesson, "--lesson-step", "2",
                        "--screenshot", shot)
    assert out.returncode == 0, out.stderr
    assert shot.stat().st_size > 10_000


def test_a_broken_lesson_still_shoots_and_exits_3(tmp_path, tone_file):
    lesson = tmp_path / "broken.md"
    lesson.write_text("# T\n## S\n```step\nscale: bark\n```\n", encoding="utf-8")
    shot = tmp_path / "shot.png"
    out = run_workbench(tone_file, "--lesson", lesson, "--screenshot", shot)
    assert out.returncode == 3 and shot.exists()
    assert f"{lesson}:4: scale must be one of" in out.stderr


def test_a_step_number_below_one_is_a_usage_error(tmp_path):
    out = run_workbench("--lesson", tmp_path / "x.md", "--lesson-step", "0")
    assert out.returncode == 2 and "a step number is 1 or more" in out.stderr

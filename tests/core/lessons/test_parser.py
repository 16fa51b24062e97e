"""Reading lesson files: what a good file gives, and the file:line reason for each mistake."""

from pathlib import Path

import pytest

from workbench.core.lessons.lesson import LessonError
from workbench.core.lessons.parser import load_lesson, parse_lesson

GOOD = """\
# A lesson

Some words first.

## First step

```step
open: demo
view: 1 2.5
window: 4096
hop: 1024
scale: mel
show: classifier-inspector, jobs
highlight: 1.2 1.8
point: spectrogram, jobs
run: classify
inspect: 1.5
try: Change the window length.
```

Text of the first step.

```python
## not a step: inside a code block
```

## Second step

Only words here.
"""


def broken(body: str, line: int, words: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.md"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    assert caught.value.line == line and caught.value.path == path
    assert words in caught.value.reason
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_a_good_lesson_gives_its_title_intro_steps_and_checked_values():
    lesson = parse_lesson(GOOD, "good.md")
    assert lesson.title == "A lesson" and lesson.intro == "Some words first."
    first, second = lesson.steps
    assert first.title == "First step" and first.line == 5
    assert first.text.startswith("Text of the first step.")
    assert "## not a step" in first.text and "open: demo" not in first.text
    assert first.get("open") == "demo" and first.get("view") == (1.0, 2.5)
    assert first.get("window") == 4096 and first.get("hop") == 1024
    assert first.get("show") == ("classifier-inspector", "jobs")
    assert first.get("highlight") == (1.2, 1.8) and first.get("inspect") == 1.5
    assert first.get("point") == ("spectrogram", "jobs")
    assert first.get("try") == "Change the window length." and first.get("run") == "classify"
    assert [d.line for d in first.directives][:2] == [8, 9]
    assert second.directives == () and second.text == "Only words here."


def test_open_takes_a_file_next_to_the_lesson(tmp_path):
    (tmp_path / "clips").mkdir()
    (tmp_path / "clips" / "a.wav").write_bytes(b"x")
    path = tmp_path / "l.md"
    path.write_text("# T\n## S\n```step\nopen: clips/a.wav\n```\n", encoding="utf-8")
    assert load_lesson(path).steps[0].get("open") == tmp_path / "clips" / "a.wav"


@pytest.mark.parametrize(("body", "line", "words"), [
    ("", 1, "the file is empty"),
    ("\n\nJust words\n## S\n", 3, "starts with its title"),
    ("# Title\n\nNo steps.\n", 1, "at least one step"),
    ("# T\n## S\n```step\ncolour: red\n```\n", 4, "unknown directive 'colour'"),
    ("# T\n## S\n```step\nwindow: big\n```\n", 4, "whole number"),
    ("# T\n## S\n```step\nwindow: 8\n```\n", 4, "between 16 and 65536"),
    ("# T\n## S\n```step\nscale: bark\n```\n", 4, "scale must be one of linear, log, mel"),
    ("# T\n## S\n```step\nview: 3 1\n```\n", 4, "START < END"),
    ("# T\n## S\n```step\nview: 3\n```\n", 4, "two times"),
    ("# T\n## S\n```step\nhighlight: a b\n```\n", 4, "must be a number"),
    ("# T\n## S\n```step\nshow: mixer\n```\n", 4, "unknown panel 'mixer'"),
    ("# T\n## S\n```step\npoint: the-menu\n```\n", 4, "unknown target 'the-menu'"),
    ("# T\n## S\n```step\nrun: dance\n```\n", 4, "run must be one of"),
    ("# T\n## S\n```step\ninspect: -1\n```\n", 4, "0 s or later"),
    ("# T\n## S\n```step\nunit: 1 forward\n```\n", 4, "LAYER DIRECTION UNIT"),
    ("# T\n## S\n```step\nunit: 0 forward 3\n```\n", 4, "a number from 1"),
    ("# T\n## S\n```step\nunit: 1 sideways 3\n```\n", 4, "forward or backward"),
    ("# T\n## S\n```step\nunit: 1 forward loud\n```\n", 4, "one of silence"),
    ("# T\n## S\n```step\ntry:\n```\n", 4, "has no value"),
    ("# T\n## S\n```step\njust words\n```\n", 4, "has no colon"),
    ("# T\n## S\n```step\nopen: nothing.wav\n```\n", 4, "no file 'nothing.wav'"),
    ("# T\n## S\n```step\nopen: /etc/a.wav\n```\n", 4, "absolute path"),
    ("# T\n## S\n```step\nview: all\nview: 1 2\n```\n", 5, "appears twice"),
    ("# T\n## S\n```step\nwindow: 256\nhop: 512\n```\n", 4, "longer than the window"),
    ("# T\n## A\n```step\nhop: 1024\n```\n## B\n```step\nwindow: 512\n```\n", 8,
     "hop (1024) is longer than the window (512) from this step on"),
    ("# T\n## S\n```step\nshow: jobs\nhide: jobs\n```\n", 5, "both shown and hidden"),
    ("# T\n## S\n```step\nview: all\n", 3, "not closed"),
    ("# T\n## S\n```python\nx = 1\n", 3, "code block is not closed"),
    ("# T\n```step\nview: all\n```\n## S\n", 2, "belongs to a step"),
    ("# T\n## S\n```step\n```\n```step\n```\n", 5, "first is at line 3"),
    ("# T\n## \n", 2, "a step starts with"),
    ("# T\n##S\n", 2, "a step starts with"),
    ("# T\n## S\n# Another title\n", 3, "one title"),
])
def test_each_mistake_names_the_file_the_line_and_the_reason(body, line, words, tmp_path):
    broken(body, line, words, tmp_path)


def test_a_file_that_is_not_utf8_names_the_line_of_the_bad_byte(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes(b"# T\n## S\ncaf\xe9\n")
    with pytest.raises(LessonError) as caught:
        load_lesson(path)
    assert caught.value.line == 3 and "not UTF-8" in caught.value.reason


def test_comments_and_blank_lines_in_a_step_block_are_skipped():
    lesson = parse_lesson("# T\n## S\n```step\n# a comment\n\nscale: log\n```\n")
    assert [(d.key, d.value) for d in lesson.steps[0].directives] == [("scale", "log")]


def test_unit_takes_a_layer_a_direction_and_a_unit_or_silence(tmp_path):
    path = tmp_path / "u.md"
    path.write_text("# T\n## A\n```step\nunit: 2 backward 17\n```\n"
                    "## B\n```step\nunit: 1 forward silence\n```\n", encoding="utf-8")
    steps = load_lesson(path).steps
    assert steps[0].get("unit") == (1, 1, 17) and steps[1].get("unit") == (0, 0, "silence")

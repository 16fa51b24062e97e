"""Every lesson shipped in resources/lessons/ reads without a mistake."""

import pytest

from workbench.core.lessons.bundled import DEMO_AUDIO, LESSONS_DIR, bundled_lesson_paths
from workbench.core.lessons.parser import load_lesson
from workbench.core.lessons.step_state import state_at


def test_the_bundled_lessons_are_there_and_the_readme_is_not_one_of_them():
    names = [p.name for p in bundled_lesson_paths()]
    assert len(names) >= 4 and "README.md" not in names
    assert (LESSONS_DIR / "README.md").is_file()
    assert DEMO_AUDIO.is_file()  # what `open: demo` opens


@pytest.mark.parametrize("path", bundled_lesson_paths(), ids=lambda p: p.name)
def test_every_bundled_lesson_validates_and_every_step_has_a_state(path):
    lesson = load_lesson(path)
    assert lesson.title and lesson.intro and lesson.steps
    for index, step in enumerate(lesson.steps):
        assert step.title and step.text
        state_at(lesson, index)

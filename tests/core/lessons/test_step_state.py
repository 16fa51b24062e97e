"""The view state at a step: settings accumulate, highlights and prompts do not."""

import pytest

from workbench.core.lessons.parser import parse_lesson
from workbench.core.lessons.step_state import state_at

LESSON = parse_lesson("""\
# T
## One
```step
view: 1 2
window: 4096
show: jobs
highlight: 1.2 1.4
point: waveforms
try: Look.
```
## Two
```step
scale: mel
hide: jobs
show: history
```
## Three
```step
window: 256
view: all
```
""")


def test_settings_accumulate_from_the_first_step():
    assert state_at(LESSON, 1).spectrogram == {"window_length": 4096, "scale": "mel"}
    assert state_at(LESSON, 1).view == (1.0, 2.0)
    assert state_at(LESSON, 1).panels == {"jobs": False, "history": True}
    three = state_at(LESSON, 2)
    assert three.spectrogram == {"window_length": 256, "scale": "mel"} and three.view == "all"


def test_a_highlight_a_pointer_and_a_prompt_belong_to_their_step_only():
    one, two = state_at(LESSON, 0), state_at(LESSON, 1)
    assert one.highlight == (1.2, 1.4) and one.try_text == "Look."
    assert one.point == ("waveforms",)
    assert two.highlight is None and two.try_text is None and two.point == ()


def test_a_step_outside_the_lesson_is_an_index_error():
    with pytest.raises(IndexError):
        state_at(LESSON, 3)

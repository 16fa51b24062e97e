"""The stderr progress bar: drawn on terminals only, with percent and time left."""

import io

from workbench.cli.progress import ProgressBar, render
from workbench.core.jobs import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_render_shows_percent_time_left_and_message():
    text = render(Progress(0.25, "Transcribing"), elapsed=10.0)
    assert text.startswith("[" + "#" * 8 + "." * 22 + "]  25%")
    assert "0:30 left" in text and text.endswith("Transcribing")
    assert "Loading model" in render(Progress(None, "Loading model…"), elapsed=0.3)


def test_bar_draws_on_a_terminal_and_stays_silent_when_redirected():
    tty, pipe = Terminal(), io.StringIO()
    for stream in (tty, pipe):
        bar = ProgressBar(stream)
        bar.update(Progress(1.0, "done"))
        bar.close()
    assert "100%" in tty.getvalue() and tty.getvalue().endswith("\r\x1b[K")
    assert pipe.getvalue() == ""

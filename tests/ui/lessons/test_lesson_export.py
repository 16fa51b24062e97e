"""Exporting a lesson: a PNG and an SVG per step and a handout; back to the student's step."""

from tests.ui.conftest import open_and_wait

LESSON = """\
# Export me

An *introduction*.

## Long window

```step
open: current
window: 8192
hop: 1024
try: Look closely.
```

The **first** step.

## Short window

```step
window: 256
hop: 64
view: 0.5 1.5
```

The second step.
"""


def test_export_writes_figures_and_a_handout_and_returns_to_the_step(
        qtbot, window, tone_file, tmp_path):
    open_and_wait(qtbot, window, tone_file)
    lesson = tmp_path / "export.md"
    lesson.write_text(LESSON, encoding="utf-8")
    ui = window.lessons
    assert not ui.export_action.isEnabled()
    with qtbot.waitSignal(ui.player.step_shown):
        ui.start_file(lesson)
    ui.player.next()
    assert ui.export_action.isEnabled()
    out = tmp_path / "handout"
    exporter = ui.export_to(out)
    with qtbot.waitSignal(exporter.finished, timeout=60000) as finished:
        pass
    handout = finished.args[0]
    assert handout == out / "handout.html"
    for step in (1, 2):
        assert (out / f"step-{step:02d}.png").stat().st_size > 5_000
        svg = (out / f"step-{step:02d}.svg").read_text(encoding="utf-8")
        assert svg.startswith("<?xml") and "<image" in svg and svg.rstrip().endswith("</svg>")
    page = handout.read_text(encoding="utf-8")
    assert "<h1>Export me</h1>" in page and "<h2>2. Short window</h2>" in page
    assert 'src="step-01.png"' in page and 'href="step-02.svg"' in page
    assert "<b>Try this:</b> Look closely." in page and "introduction" in page
    assert "**first**" not in page and "first" in page  # Markdown rendered, not raw
    assert ui.player.index == 1 and ui.export_action.isEnabled()  # back where it was
    assert window.current_entry().view.spectrogram.settings.window_length == 256
    ui.player.end()
    qtbot.waitUntil(window.is_idle, timeout=20000)


def test_ending_the_lesson_during_an_export_fails_it_cleanly(qtbot, window, tone_file,
                                                             tmp_path):
    open_and_wait(qtbot, window, tone_file)
    lesson = tmp_path / "export.md"
    lesson.write_text(LESSON, encoding="utf-8")
    ui = window.lessons
    with qtbot.waitSignal(ui.player.step_shown):
        ui.start_file(lesson)
    exporter = ui.export_to(tmp_path / "out")
    ui.player.end()
    with qtbot.waitSignal(exporter.failed, timeout=20000) as failed:
        pass
    assert "ended before its export" in str(failed.args[0])
    assert ui.exporter is None and not ui.export_action.isEnabled()
    window.errors.last_dialog.close()
    qtbot.waitUntil(window.is_idle, timeout=20000)

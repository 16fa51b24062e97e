"""Presenter mode: large fonts, only the lesson's dock, a high-contrast spectrogram; all undone."""

from PySide6.QtWidgets import QDockWidget

from tests.ui.conftest import open_and_wait
from workbench.ui.lessons import presenter_mode


def dock_states(window):
    return {d.objectName(): d.isVisible() for d in window.findChildren(QDockWidget)}


def test_presenter_mode_enlarges_hides_recolours_and_leaving_restores(
        qtbot, window, tone_file):
    entry = open_and_wait(qtbot, window, tone_file)
    ui = window.lessons
    font_before, docks_before = window.font(), dock_states(window)
    colormap_before = entry.view.spectrogram.settings.colormap
    assert any(docks_before.values()) and colormap_before != presenter_mode.COLORMAP
    ui.presenter_action.trigger()
    assert ui.presenter.active and ui.presenter_action.isChecked()
    assert window.font().pointSizeF() > font_before.pointSizeF() * 1.5
    assert ui.panel.text.font().pointSizeF() == window.font().pointSizeF()
    assert not any(visible for name, visible in dock_states(window).items()
                   if name != "lesson")
    assert entry.view.spectrogram.settings.colormap == presenter_mode.COLORMAP
    ui.presenter_action.trigger()
    assert not ui.presenter.active and not ui.presenter_action.isChecked()
    assert window.font() == font_before and dock_states(window) == docks_before
    assert entry.view.spectrogram.settings.colormap == colormap_before
    qtbot.waitUntil(window.is_idle, timeout=20000)


def test_a_lesson_in_presenter_mode_keeps_the_lesson_dock_and_the_colour_map(
        qtbot, window, tone_file, tmp_path):
    entry = open_and_wait(qtbot, window, tone_file)
    lesson = tmp_path / "l.md"
    lesson.write_text("# L\n## A\n```step\nopen: current\nwindow: 512\nhop: 128\n```\nA.\n",
                      encoding="utf-8")
    ui = window.lessons
    colormap_before = entry.view.spectrogram.settings.colormap
    ui.presenter.set_active(True)
    with qtbot.waitSignal(ui.player.step_shown):
        ui.start_file(lesson)
    settings = entry.view.spectrogram.settings
    assert ui.dock.isVisible() and settings.colormap == presenter_mode.COLORMAP
    assert settings.window_length == 512
    with qtbot.waitSignal(ui.player.ended):
        ui.player.end()
    assert entry.view.spectrogram.settings.colormap == presenter_mode.COLORMAP  # still presenting
    ui.presenter.set_active(False)
    assert entry.view.spectrogram.settings.colormap == colormap_before
    assert entry.view.spectrogram.settings.window_length != 512
    qtbot.waitUntil(window.is_idle, timeout=20000)

"""What the window says about a file: its problems once, its levels always, readable rows."""

import os
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.core.bad_files import write_case
from tests.core.project_docs import opened_document
from tests.ui.conftest import open_and_wait
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.document import Document, Track
from workbench.core.jobs import JobRequest, Progress
from workbench.core.paths import display_name
from workbench.core.storage.project_file import save_project


def measured(window) -> bool:
    return "dBFS" in window.info_panel.values["Peak"].text()


def test_a_file_with_problems_says_so_once_and_keeps_them_in_file_info(qtbot, window,
                                                                       tmp_path):
    path, _ = write_case("data_chunk_longer_than_file", tmp_path)
    open_and_wait(qtbot, window, path)
    dialog = window.errors.last_dialog
    assert dialog is not None and dialog.windowTitle() == f"Problems in {path.name}"
    assert "the data chunk claims" in dialog.text()
    assert "the data chunk claims" in window.info_panel.values["Warnings"].text()


def test_implausible_sample_values_are_reported_when_measured(qtbot, window, tmp_path):
    samples = np.zeros(8000, np.float32)
    samples[100] = 1e30
    path = tmp_path / "absurd.wav"
    sf.write(path, samples, 8000, subtype="FLOAT")
    open_and_wait(qtbot, window, path)
    qtbot.waitUntil(lambda: measured(window), timeout=10000)
    assert window.errors.last_dialog.windowTitle() == "Implausible sample values"
    assert "+600 dBFS" in window.info_panel.values["Warnings"].text()


def test_levels_are_measured_for_an_adopted_document(qtbot, window):
    # Recovered documents and opened projects reach the window through adopt().
    tone = 0.25 * np.sin(np.arange(5 * 8000) * 0.1).astype(np.float32)
    doc = Document([Track("recovered", BlockSequence.from_array(tone))], 8000)
    window.loader.adopt(doc)
    qtbot.waitUntil(lambda: measured(window), timeout=10000)
    assert window.info_panel.values["Peak"].text().startswith("-12.0 dBFS")


def test_levels_are_measured_for_an_opened_project(qtbot, window, tmp_path):
    rate = 8000
    path = tmp_path / "half.wav"
    sf.write(path, np.full((rate, 1), 0.5, np.float32), rate, subtype="PCM_16")
    project = tmp_path / "half.wbproj"
    save_project(opened_document(path), project)
    window.open_paths([project])
    qtbot.waitUntil(lambda: measured(window), timeout=20000)
    assert window.info_panel.values["Peak"].text().startswith("-6.0 dBFS")


def test_a_job_row_keeps_its_buttons_whole_beside_a_long_name(qtbot, window, runner):
    window.resize(1600, 1000)
    long_target = "/home/someone/recordings/" + "very-long-folder-name/" * 6 + "take.wav"

    def slow(cancel):
        while True:
            cancel.check()
            time.sleep(0.01)
            yield Progress(None, "working")

    handle = runner.submit(JobRequest("export", "Export a file with a long name",
                                      target=long_target), slow)
    try:
        row = window.jobs_panel.rows[handle]
        # Laid out by the dock in later event loop turns: wait for that, not a while.
        qtbot.waitUntil(lambda: row.cancel_button.isVisible()
                        and row.cancel_button.width() >= row.cancel_button.sizeHint().width()
                        and row.target_label.shown_text().startswith("…"), timeout=5000)
        shown = row.target_label.shown_text()
        assert shown.startswith("…") and shown.endswith("/very-long-folder-name/take.wav")
        assert row.target_label.toolTip() == long_target
    finally:
        handle.cancel()
        qtbot.waitUntil(lambda: handle.done, timeout=5000)


def test_the_classifier_inspector_waits_until_there_is_something_to_inspect(qtbot, window,
                                                                            tone_file):
    open_and_wait(qtbot, window, tone_file)
    dock = window.classifier_ui.dock
    assert not dock.isVisible()
    toggle = dock.toggleViewAction()
    assert toggle in window.view_menu.actions()
    toggle.trigger()
    assert dock.isVisible()


def test_a_file_whose_name_is_not_utf8_opens_shows_and_reopens_from_recent(qtbot, window,
                                                                           tmp_path):
    raw = os.fsencode(tmp_path) + b"/caf\xe9.wav"
    sf.write(raw, np.zeros((8000, 1), np.float32), 8000, subtype="PCM_16")
    path = Path(os.fsdecode(raw))
    entry = open_and_wait(qtbot, window, path)
    assert window.tabs.tabText(0) == "caf\ufffd.wav"
    assert entry.document.path == path
    recent = window.recent_menu.actions()[0]
    assert recent.text() == display_name(path.resolve())
    window.close_tab(0)
    qtbot.waitUntil(lambda: window.tabs.count() == 0)
    recent.trigger()
    qtbot.waitUntil(lambda: window.tabs.count() == 1, timeout=10000)
    assert window.open_documents[0].document.path == path.resolve()

"""Jobs panel, status indicators, Models menu and model manager, as the user meets them."""

import socket

import numpy as np
import pytest
from PySide6.QtWidgets import QMessageBox

from tests.tiny_models import make_zoo, tiny_classify_spec
from tests.ui.conftest import open_and_wait
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.analysis_commands import WORDS_TIER
from workbench.core.document.document import Document
from workbench.core.document.edit_commands import ReplaceRangeCommand
from workbench.core.settings import Settings
from workbench.ml.model_tasks import MODEL_TASKS
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.model_jobs import ModelJobService
from workbench.ui.panels.jobs_panel import JobsPanel, format_time_left, time_left
from workbench.ui.shell.status_indicators import DeviceIndicator, JobsIndicator

RATE = 16000


@pytest.fixture(scope="module")
def zoo_dir(tmp_path_factory):
    return make_zoo(tmp_path_factory.mktemp("zoo"))


@pytest.fixture
def service(runner, zoo_dir, monkeypatch):
    monkeypatch.setitem(MODEL_TASKS, "classify", tiny_classify_spec())
    return ModelJobService(runner, ModelZoo(zoo_dir), ModelCache())


@pytest.fixture
def panel(qtbot, runner, service):
    widget = JobsPanel(runner, service)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def noisy_document(seconds=2.0):
    rng = np.random.default_rng(0)
    return Document.from_array(rng.standard_normal(int(seconds * RATE)).astype(np.float32) * 0.3,
                               RATE)


def test_time_left_comes_from_progress_over_elapsed_time():
    assert time_left(0.25, 10.0) == 30.0
    assert time_left(None, 10.0) is None and time_left(0.0, 3.0) is None
    assert format_time_left(75.4) == "1:15 left" and format_time_left(None) == ""


def test_a_running_job_has_a_row_with_target_device_and_progress_then_leaves(
        qtbot, panel, service, runner):
    indicator = JobsIndicator(runner)
    qtbot.addWidget(indicator)
    doc = noisy_document()
    handle = service.submit("enhance", doc, span=(0.5, 1.5), params={"chunk_s": 0.2})
    row = panel.rows[handle]
    assert row.name_label.text() == "Enhance" and row.name_label.font().bold()
    assert row.target_label.text() == "Untitled 0.50–1.50 s"
    assert indicator.text() == "1 job" and indicator.isVisible()
    with qtbot.waitSignal(handle.progressed, timeout=30000,
                          check_params_cb=lambda p: p.fraction is not None and p.fraction < 1):
        pass
    assert row.device_label.text() == "cpu"
    assert 0 < row.progress_bar.value() < 1000 and "Enhancing" in row.status_label.text()
    assert "%" in indicator.text()
    with qtbot.waitSignal(service.result_applied, timeout=30000):
        pass
    assert handle not in panel.rows and panel.empty_label.isVisible()
    assert indicator.text() == "" and not indicator.isVisible()


def test_a_failure_stays_in_the_panel_with_its_error_and_details(qtbot, panel, service,
                                                                 tmp_path):
    service.zoo = ModelZoo(tmp_path / "no-models")
    handle = service.submit("transcribe", noisy_document())
    with qtbot.waitSignal(handle.failed, timeout=30000):
        pass
    row = panel.rows[handle]
    assert row.status_label.text().startswith("Failed: no recognizer model installed: train "
                                              "one with `workbench train recognizer`")
    assert row.details_button.isVisible() and not row.cancel_button.isVisible()
    row.details_button.click()
    assert "NoModelError" in row.details_dialog.detailedText()
    row.dismiss_button.click()
    assert handle not in panel.rows


def test_the_cancel_button_stops_the_job_within_a_second(qtbot, panel, service):
    doc = noisy_document(60.0)
    handle = service.submit("enhance", doc, params={"chunk_s": 0.25})
    with qtbot.waitSignal(handle.progressed, timeout=30000,
                          check_params_cb=lambda p: bool(p.fraction)):
        pass
    with qtbot.waitSignal(handle.cancelled, timeout=1000):
        panel.rows[handle].cancel_button.click()
    assert handle not in panel.rows and doc.analyses == {} and doc.revision == 0


def test_a_stale_result_is_offered_for_a_rerun(qtbot, panel, service):
    doc = noisy_document()
    handle = service.submit("classify", doc)
    service.history(doc).push(ReplaceRangeCommand("Mute", 0, RATE,
                                                  [BlockSequence.from_array(np.zeros(RATE))]))
    with qtbot.waitSignal(service.result_stale, timeout=30000):
        pass
    row = panel.rows[handle]
    assert row.status_label.text().startswith("Document changed")
    assert "classify" not in doc.analyses
    with qtbot.waitSignal(service.result_applied, timeout=30000):
        row.rerun_button.click()
    assert handle not in panel.rows and "classify" in doc.analyses


def test_device_indicator_shows_the_setting_then_the_device_used(qtbot, service):
    indicator = DeviceIndicator(service)
    qtbot.addWidget(indicator)
    assert indicator.text() == "Models: auto"
    with qtbot.waitSignal(service.result_applied, timeout=30000):
        service.submit("classify", noisy_document())
    assert indicator.text() == "Models: cpu"
    service.set_device_setting("cpu")
    assert indicator.text() == "Models: cpu" and "cpu" in indicator.toolTip()


@pytest.fixture
def model_window(qtbot, runner, service):
    from workbench.ui.shell.main_window import MainWindow

    win = MainWindow(runner, Settings(), model_jobs=service)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_models_menu_transcribes_the_selection_into_a_words_tier(qtbot, model_window,
                                                                 tone_file):
    entry = open_and_wait(qtbot, model_window, tone_file)
    entry.view.set_selection((1.0, 2.0))
    with qtbot.waitSignal(model_window.model_jobs.result_applied, timeout=30000) as applied:
        model_window.models_menu.kind_actions["transcribe"].trigger()
    job, transcript = applied.args
    assert job.target == "tone.wav 1.00–2.00 s" and transcript.span == (1.0, 2.0)
    assert [t.name for t in entry.document.label_tiers] == [WORDS_TIER]
    assert model_window.device_label.text() == "Models: cpu"


def test_closing_with_a_job_running_asks_first(qtbot, model_window, tone_file, monkeypatch):
    entry = open_and_wait(qtbot, model_window, tone_file)
    handle = model_window.model_jobs.submit("enhance", entry.document,
                                            params={"chunk_s": 0.05})
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args: (asked.append(args[2]), answers.pop(0))[1])
    assert not model_window.close() and model_window.isVisible()
    assert "1 job(s) still running (Enhance tone.wav)" in asked[0]
    with qtbot.waitSignal(handle.ended, timeout=5000):
        assert model_window.close()
    assert handle.state in ("cancelled", "finished") and len(asked) == 2


def test_model_manager_lists_models_and_reports_an_offline_download(qtbot, model_window,
                                                                    monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))

    def offline(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    model_window.model_manager_dialog()
    dialog = model_window.model_manager
    with qtbot.waitSignal(dialog.listing.ended, timeout=10000):
        pass
    names = [dialog.zoo_table.item(r, 0).text() for r in range(dialog.zoo_table.rowCount())]
    assert names == ["tiny-recognizer", "tiny-enhancer", "tiny-classifier"]
    assert {dialog.zoo_table.item(r, 4).text() for r in range(3)} == {"verified"}
    assert dialog.pretrained_table.item(0, 2).text() == "not downloaded"
    handle = dialog.download("SQUIM_OBJECTIVE")
    with qtbot.waitSignal(handle.failed, timeout=30000):
        pass
    row = model_window.jobs_panel.rows[handle]
    assert "offline: cannot reach download.pytorch.org" in row.status_label.text()
    assert "offline" in dialog.status_label.text()
    dialog.device_combo.setCurrentText("cpu")
    assert model_window.model_jobs.device_setting == "cpu"
    assert Settings.load().device == "cpu"

"""Models > Train Classifier from Labels…: the dialog trains on the model lane with a live
loss plot, the model joins the zoo and classifies the recording; Cancel leaves the zoo alone."""

import numpy as np
import pytest
import soundfile as sf

from tests.labelled_sounds import RATE, labelled_recording, shipped_classifier_zoo
from tests.ui.conftest import open_and_wait
from workbench.core.analysis.results import Classification
from workbench.core.settings import Settings
from workbench.ml.zoo import ModelZoo
from workbench.ml.zoo.model_cache import ModelCache
from workbench.runtime.live_classification import LiveClassification
from workbench.runtime.model_jobs import ModelJobService
from workbench.ui.models.classifier.train_dialog import tier_summary


@pytest.fixture
def labelled(qtbot, runner, tmp_path):
    """A main window on a zoo with a copy of the shipped classifier, and an opened
    recording of beeps and hisses whose tier labels them."""
    from workbench.ui.shell.main_window import MainWindow

    zoo = ModelZoo(shipped_classifier_zoo(tmp_path / "zoo"), tmp_path / "user-models")
    window = MainWindow(runner, Settings(), model_jobs=ModelJobService(
        runner, zoo, ModelCache(), "cpu"))
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    audio, tier = labelled_recording()
    sf.write(tmp_path / "sounds.wav", audio, RATE)
    entry = open_and_wait(qtbot, window, tmp_path / "sounds.wav")
    entry.document.set_label_tiers([tier])
    return window, entry, zoo


def test_training_plots_the_loss_adds_the_model_and_classifies_with_it(qtbot, labelled):
    window, entry, zoo = labelled
    ui = window.classifier_ui
    assert ui.train_action in window.models_menu.actions()
    dialog = ui.train_dialog()
    qtbot.waitExposed(dialog)
    assert dialog.tier_combo.currentText() == "classes (beep ×3, hiss ×3)"
    dialog.name_edit.setText("beeps")
    dialog.steps_spin.setValue(12)
    dialog.last_block_box.setChecked(True)
    dialog.train_button.click()
    assert not dialog.train_button.isEnabled() and dialog.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.trained_model is not None, timeout=60000)
    assert dialog.steps == list(range(1, 13))
    xs, ys = dialog.loss_curve.getData()
    assert len(xs) == 12 and np.all(np.isfinite(ys))
    xs, ys = dialog.accuracy_curve.getData()  # each class lends its third region
    assert list(xs) == [10, 12] and ys[-1] == dialog.trained_model.val_accuracy
    assert "joined the zoo" in dialog.status.text()
    assert "embedding and last conv block" in zoo.entry("beeps").card.body
    assert zoo.entry("beeps").usable and ui.classifier_names() == ["classifier", "beeps"]
    # Into the user's model folder; the shipped folder lists only what it shipped.
    assert zoo.entry("beeps").weights_path.is_relative_to(zoo.user_folder)
    assert [e.name for e in ModelZoo(zoo.folder).list_models()] == ["classifier"]
    # The recording is classified with the new model: its classes on the timeline.
    qtbot.waitUntil(lambda: isinstance(entry.document.analyses.get("classify"), Classification),
                    timeout=30000)
    result = entry.document.analyses["classify"]
    assert result.model == "beeps" and result.labels == ("beep", "hiss")
    assert {s.label for s in result.segments} == {"beep", "hiss"}
    assert ui.timeline_for(entry.document).isVisible()
    qtbot.waitUntil(window.is_idle, timeout=20000)
    dialog.close()
    # Live classes while recording use it too: the recording fed as a take would be.
    assert ui.live_model() == "beeps"
    live = LiveClassification(window.runner, window.model_jobs)
    live.start(entry.document.sample_rate, ui.live_model())
    live.feed(0, entry.document.tracks[0].samples.read())
    with qtbot.waitSignal(live.finished, timeout=30000) as done:
        live.end()
    assert done.args[0].model == "beeps"
    assert {s.label for s in done.args[0].segments} == {"beep", "hiss"}


def test_classify_with_runs_the_chosen_model(qtbot, labelled):
    window, entry, _zoo = labelled
    ui = window.classifier_ui
    ui.classify_with_menu.aboutToShow.emit()
    assert [a.text() for a in ui.classify_with_menu.actions()] == ["classifier"]
    with qtbot.waitSignal(window.model_jobs.result_applied, timeout=30000):
        ui.classify_with_menu.actions()[0].trigger()
    assert entry.document.analyses["classify"].model == "classifier"
    qtbot.waitUntil(window.is_idle, timeout=20000)


def test_cancel_stops_training_and_leaves_the_zoo_alone(qtbot, labelled):
    window, _entry, zoo = labelled
    dialog = window.classifier_ui.train_dialog()
    dialog.name_edit.setText("never")
    dialog.steps_spin.setValue(5000)
    dialog.train_button.click()
    qtbot.waitUntil(lambda: len(dialog.steps) >= 1, timeout=30000)
    with qtbot.waitSignal(dialog.service.cancelled, timeout=5000):
        dialog.cancel_button.click()
    assert "cancelled" in dialog.status.text() and dialog.train_button.isEnabled()
    assert len(dialog.steps) < 5000
    assert [e.name for e in zoo.list_models()] == ["classifier"]
    dialog.close()


def test_a_cancelled_training_resumes_in_the_dialog_and_the_curve_goes_on(qtbot, labelled):
    window, _entry, zoo = labelled
    dialog = window.classifier_ui.train_dialog()
    dialog.name_edit.setText("later")
    dialog.classify_box.setChecked(False)
    assert not dialog.resume_button.isEnabled()  # nothing to resume yet
    dialog.steps_spin.setValue(5000)
    dialog.train_button.click()
    qtbot.waitUntil(lambda: len(dialog.steps) >= 2, timeout=30000)
    with qtbot.waitSignal(dialog.service.cancelled, timeout=5000):
        dialog.cancel_button.click()
    assert dialog.resume_button.isEnabled() and "Resume" in dialog.status.text()
    dialog.close()  # a new dialog on the same name picks the checkpoint up
    dialog = window.classifier_ui.train_dialog()
    dialog.name_edit.setText("later")
    dialog.classify_box.setChecked(False)
    assert dialog.resume_button.isEnabled()
    dialog.steps_spin.setValue(20)
    dialog.resume_button.click()
    assert not dialog.resume_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.trained_model is not None, timeout=60000)
    losses = dialog.trained_model.losses
    # The curve restarts from the checkpoint's losses and goes on: every step once.
    assert dialog.steps == list(range(1, 21)) and len(losses) == 20
    assert dialog.losses == list(losses)
    assert zoo.entry("later").usable and not dialog.resume_button.isEnabled()
    qtbot.waitUntil(window.is_idle, timeout=20000)
    dialog.close()


def test_a_tier_with_one_class_says_why_it_cannot_train(qtbot, labelled):
    window, entry, _zoo = labelled
    tier = entry.document.label_tiers[0]
    entry.document.set_label_tiers(
        [tier.mapped(lambda lab: lab if lab.text == "beep" else None)])
    dialog = window.classifier_ui.train_dialog()
    assert tier_summary(entry.document.label_tiers[0]) == "classes (beep ×3)"
    with qtbot.waitSignal(dialog.service.failed, timeout=30000):
        dialog.train_button.click()
    assert "at least two classes" in dialog.status.text()
    dialog.close()

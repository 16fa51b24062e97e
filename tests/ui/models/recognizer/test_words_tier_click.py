"""Clicking a word on the timeline's words tier selects and plays its span, as the
transcript panel does (played into the private PulseAudio server's null sink)."""

import pytest

from tests.audio_server import SINK
from tests.ui.conftest import open_and_wait
from tests.ui.models.recognizer.test_transcript_panel import transcript
from tests.ui.timeline_mouse import click
from workbench.core.document.selection import Selection
from workbench.runtime.model_jobs import ModelJob
from workbench.runtime.player import PlaybackState


@pytest.fixture
def transcribed(qtbot, window, tone_file, audio_server):
    bar = window.transport.bar
    bar.output_combo.setCurrentIndex(bar.output_combo.findData(SINK))
    bar.output_combo.activated.emit(bar.output_combo.currentIndex())
    entry = open_and_wait(qtbot, window, tone_file)
    doc = entry.document
    job = ModelJob(None, "transcribe", doc, 0, doc.frames, doc.audio_revision, "recognizer")
    assert window.model_jobs.apply_result(job, transcript())
    qtbot.waitUntil(lambda: bool(doc.label_tiers) and bool(doc.label_tiers[0].labels))
    yield entry
    window.player.stop()


def words_row(window, entry):
    rows = window.edit_actions.labels.rows[entry.view]
    return rows.views[entry.document.label_tiers[0].id]


def play_and_collect(qtbot, window, action):
    positions = []
    window.player.position_changed.connect(positions.append)
    with qtbot.waitSignal(window.player.finished, timeout=5000):
        action()
    window.player.position_changed.disconnect(positions.append)
    return positions


def test_clicking_a_word_on_the_tier_selects_and_plays_only_its_span(qtbot, window,
                                                                     transcribed):
    doc, rate = transcribed.document, transcribed.document.sample_rate
    row = words_row(window, transcribed)
    doc.select_none()
    positions = play_and_collect(
        qtbot, window, lambda: click(qtbot, transcribed.view, row, 1.0, y=0.5))
    span = (round(0.8 * rate), round(1.3 * rate))  # "wurld"
    assert doc.selection == Selection(*span)
    assert positions and all(span[0] <= p <= span[1] for p in positions)
    assert max(positions) > span[0] + 0.2 * rate  # it really played through the word


def test_the_tier_and_the_panel_play_the_same_span(qtbot, window, transcribed):
    doc, rate = transcribed.document, transcribed.document.sample_rate
    panel = window.recognizer_ui.panel
    from_panel = play_and_collect(qtbot, window, lambda: panel.word_activated.emit(
        round(1.5 * rate), round(2.0 * rate)))
    panel_selection = doc.selection
    doc.select_none()
    from_tier = play_and_collect(qtbot, window, lambda: click(
        qtbot, transcribed.view, words_row(window, transcribed), 1.7, y=0.5))
    assert doc.selection == panel_selection == Selection(round(1.5 * rate), round(2.0 * rate))
    assert min(from_tier) == min(from_panel) == round(1.5 * rate)


def test_clicking_a_label_of_another_tier_selects_but_plays_nothing(qtbot, window,
                                                                   transcribed):
    doc, rate = transcribed.document, transcribed.document.sample_rate
    labels = window.edit_actions.labels
    tier_id = labels.add_tier("notes")
    doc.set_selection(Selection(round(0.1 * rate), round(0.4 * rate)))
    labels.add_label_from_selection("note")
    doc.select_none()
    click(qtbot, transcribed.view, labels.rows[transcribed.view].views[tier_id], 0.25, y=0.5)
    assert doc.selection == Selection(round(0.1 * rate), round(0.4 * rate))
    assert window.player.state is PlaybackState.STOPPED

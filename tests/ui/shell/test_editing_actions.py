"""Every edit action as the user meets it: menu or shortcut, dialog, document, undo, redo."""

import numpy as np
import pytest
import shiboken6
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import open_and_wait
from tests.ui.timeline_mouse import write_ramp_file
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.edit_commands import ReplaceRangeCommand
from workbench.core.document.effects import FadeCurve, NormalizeMode, fade_gains
from workbench.core.document.selection import Selection
from workbench.runtime.torch_import import ensure_torch_imported

# Resampling jobs import torch; doing it here, once, keeps the worker from starting the
# import thread, whose start registers the pool thread as a dummy thread the leftover-thread
# check cannot join.
ensure_torch_imported()

RATE = 8000
CTRL = Qt.KeyboardModifier.ControlModifier
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def ramp(tmp_path):
    path = tmp_path / "ramp.wav"
    return path, write_ramp_file(path, 2.0, RATE, 2)


def audio(doc):
    """(one frames x channels array per track, sample rate)."""
    return [t.samples.read().copy() for t in doc.tracks], doc.sample_rate


def same_audio(a, b):
    (tracks_a, rate_a), (tracks_b, rate_b) = a, b
    return rate_a == rate_b and len(tracks_a) == len(tracks_b) and all(
        x.shape == y.shape and np.array_equal(x, y) for x, y in zip(tracks_a, tracks_b))


def press(keys):
    def act(qtbot, window):
        qtbot.keyClick(window, *keys)
    return act


def trigger(key, fill=None):
    """Trigger an action; `fill(dialog)` sets the dialog's fields, then OK is clicked."""
    def act(qtbot, window):
        window.edit_actions.actions[key].trigger()
        if fill is not None:
            dialog = window.edit_actions.last_dialog
            qtbot.waitExposed(dialog)
            fill(dialog)
            qtbot.mouseClick(dialog.ok_button, LEFT)
    return act


def choose(box, data):
    box.setCurrentIndex(box.findData(data))


A, B = 4000, 8000  # the selection used by most cases: 0.5-1.0 s


def check_cut(data, doc):
    (x,), _ = audio(doc)
    assert np.array_equal(x, np.concatenate([data[:A], data[B:]]))


def check_trim(data, doc):
    assert np.array_equal(audio(doc)[0][0], data[A:B])


def check_silence(data, doc):
    (x,), _ = audio(doc)
    assert not x[A:B].any() and np.array_equal(x[:A], data[:A]) and np.array_equal(x[B:], data[B:])


def check_insert_silence(data, doc):
    (x,), _ = audio(doc)
    assert len(x) == len(data) + 2000 and not x[A:A + 2000].any()
    assert np.array_equal(x[A + 2000:], data[A:])


def check_gain(data, doc):
    (x,), _ = audio(doc)
    assert np.allclose(x[A:B], data[A:B] * 10 ** (-6 / 20), rtol=1e-6)
    assert np.array_equal(x[:A], data[:A])


def check_normalize(data, doc):
    peak = np.abs(audio(doc)[0][0][A:B]).max()
    assert np.isclose(peak, 10 ** (-1 / 20), rtol=1e-6)


def check_normalize_rms(data, doc):
    x = audio(doc)[0][0][A:B].astype(np.float64)
    assert np.isclose(np.sqrt(np.mean(x ** 2)), 10 ** (-20 / 20), rtol=1e-5)


def check_fade_in(data, doc):
    gains = fade_gains(0, B - A, B - A, True, FadeCurve.LINEAR)
    assert np.array_equal(audio(doc)[0][0][A:B], data[A:B] * gains[:, None])


def check_fade_out_log(data, doc):
    gains = fade_gains(0, B - A, B - A, False, FadeCurve.LOGARITHMIC)
    assert np.array_equal(audio(doc)[0][0][A:B], data[A:B] * gains[:, None])


def check_reverse(data, doc):
    assert np.array_equal(audio(doc)[0][0][A:B], data[A:B][::-1])


def check_mix(data, doc):
    (x,), _ = audio(doc)
    assert x.shape == (len(data), 1)
    assert np.allclose(x[:, 0], data.mean(axis=1), rtol=1e-6)


def check_split(data, doc):
    tracks, _ = audio(doc)
    assert [t.shape for t in tracks] == [(len(data), 1)] * 2
    assert np.array_equal(tracks[1][:, 0], data[:, 1])


def check_resample(data, doc):
    (x,), rate = audio(doc)
    assert rate == 16000 and x.shape == (2 * len(data), 2)
    assert np.allclose(x[2000:-2000:2], data[1000:-1000], atol=1e-3)  # a ramp stays a ramp


CASES = {
    "cut (Ctrl+X)": (press((Qt.Key.Key_X, CTRL)), check_cut, "Cut 0.50–1.00 s"),
    "delete (Delete)": (press((Qt.Key.Key_Delete,)), check_cut, "Delete 0.50–1.00 s"),
    "trim (Ctrl+T)": (press((Qt.Key.Key_T, CTRL)), check_trim, "Trim to 0.50–1.00 s"),
    "silence (Ctrl+L)": (press((Qt.Key.Key_L, CTRL)), check_silence, "Silence 0.50–1.00 s"),
    "insert silence": (trigger("insert_silence", lambda d: d.seconds_box.setValue(0.25)),
                       check_insert_silence, "Insert 0.25 s of silence"),
    "gain": (trigger("gain", lambda d: d.db_box.setValue(-6.0)), check_gain, "Gain -6.0 dB"),
    "normalize peak": (trigger("normalize", lambda d: d.target_box.setValue(-1.0)),
                       check_normalize, "Normalize to -1.0 dB peak"),
    "normalize RMS": (trigger("normalize", lambda d: choose(d.mode_box, NormalizeMode.RMS)),
                      check_normalize_rms, "Normalize to -20.0 dB RMS"),
    "fade in": (trigger("fade_in", lambda d: None), check_fade_in, "Fade in 0.50 s"),
    "fade out logarithmic": (trigger("fade_out", lambda d: choose(d.curve_box,
                                                                  FadeCurve.LOGARITHMIC)),
                             check_fade_out_log, "Fade out 0.50 s (logarithmic)"),
    "reverse": (trigger("reverse"), check_reverse, "Reverse 0.50–1.00 s"),
    "mix to mono": (trigger("mix_to_mono"), check_mix, "Mix to mono"),
    "split to mono": (trigger("split_to_mono"), check_split, "Split stereo to mono tracks"),
    "change sample rate": (trigger("resample", lambda d: d.rate_box.setCurrentText("16000")),
                           check_resample, "Resample to 16000 Hz"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_edit_changes_the_document_and_is_undone_and_redone(qtbot, window, ramp, case):
    act, check, step_name = CASES[case]
    path, data = ramp
    entry = open_and_wait(qtbot, window, path)
    doc, history = entry.document, entry.history
    doc.set_selection(Selection(A, B))
    before = audio(doc)
    act(qtbot, window)
    qtbot.waitUntil(lambda: len(history.labels) == 1, timeout=60000)  # resampling is a job
    assert history.labels == [step_name]
    after = audio(doc)
    check(data, doc)
    assert np.allclose(entry.view.visible_range(), (0.0, doc.duration))  # all of it in view
    assert window.tabs.tabText(0) == "ramp.wav*"
    assert window.windowTitle() == "ramp.wav* — Audio Workbench"
    assert window.edit_actions.actions["undo"].text() == f"&Undo {step_name}"
    # A closed dialog gives activation back through the window manager; offscreen, do it here.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert same_audio(audio(doc), before) and doc.selection == Selection(A, B)
    assert np.allclose(entry.view.visible_range(), (0.0, doc.duration))
    assert window.tabs.tabText(0) == "ramp.wav" and window.windowTitle().startswith("ramp.wav ")
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert same_audio(audio(doc), after)
    assert len(entry.view.waveforms) == doc.channels  # the lanes follow mix and split
    assert all(w.curve.getData()[0] is not None and len(w.curve.getData()[0])
               for w in entry.view.waveforms)


def test_edits_that_need_a_selection_say_so_on_a_bare_cursor(qtbot, window, ramp):
    entry = open_and_wait(qtbot, window, ramp[0])
    entry.document.set_selection(Selection(A, A))
    assert not window.edit_actions.actions["cut"].isEnabled()
    window.edit_actions.trim()
    assert "Trim needs a selection" in window.statusBar().currentMessage()
    assert entry.history.labels == []


def test_an_effect_on_one_selected_channel_leaves_the_other_alone(qtbot, window, ramp):
    path, data = ramp
    entry = open_and_wait(qtbot, window, path)
    entry.document.set_selection(Selection(A, B, {1}))
    trigger("gain", lambda d: d.db_box.setValue(-6.0))(qtbot, window)
    (x,), _ = audio(entry.document)
    assert np.array_equal(x[:, 0], data[:, 0])
    assert np.allclose(x[A:B, 1], data[A:B, 1] * 10 ** (-6 / 20), rtol=1e-6)


def test_an_effect_on_a_bare_cursor_applies_to_the_whole_file(qtbot, window, ramp):
    path, data = ramp
    entry = open_and_wait(qtbot, window, path)
    entry.document.set_selection(Selection(A, A))
    trigger("reverse")(qtbot, window)
    assert np.array_equal(audio(entry.document)[0][0], data[::-1])


def test_paste_between_two_open_documents(qtbot, window, ramp, tmp_path):
    path, data = ramp
    other_path = tmp_path / "other.wav"
    other = write_ramp_file(other_path, 1.0, RATE, 2) * -1
    sf.write(other_path, other, RATE, subtype="FLOAT")
    first = open_and_wait(qtbot, window, path)
    second = open_and_wait(qtbot, window, other_path)
    window.tabs.setCurrentWidget(first.view)
    first.document.set_selection(Selection(A, B))
    qtbot.keyClick(window, Qt.Key.Key_C, CTRL)
    window.tabs.setCurrentWidget(second.view)
    second.document.set_selection(Selection(1000, 1000))
    qtbot.keyClick(window, Qt.Key.Key_V, CTRL)
    (x,), _ = audio(second.document)
    assert np.array_equal(x, np.concatenate([other[:1000], data[A:B], other[1000:]]))
    assert second.history.labels == ["Paste 0.50 s"] and first.history.labels == []
    assert second.document.selection == Selection(1000, 1000 + B - A)
    assert window.tabs.tabText(1) == "other.wav*" and window.tabs.tabText(0) == "ramp.wav"
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert np.array_equal(audio(second.document)[0][0], other)


def test_paste_into_a_document_at_another_rate_resamples_the_clipboard(qtbot, window, ramp,
                                                                      tmp_path):
    path, data = ramp
    fast_path = tmp_path / "fast.wav"
    write_ramp_file(fast_path, 1.0, 2 * RATE, 2)
    first = open_and_wait(qtbot, window, path)
    second = open_and_wait(qtbot, window, fast_path)
    window.tabs.setCurrentWidget(first.view)
    first.document.set_selection(Selection(A, B))
    qtbot.keyClick(window, Qt.Key.Key_X, CTRL)
    window.tabs.setCurrentWidget(second.view)
    frames_before = second.document.frames
    qtbot.keyClick(window, Qt.Key.Key_V, CTRL)
    qtbot.waitUntil(lambda: second.history.labels == ["Paste 0.50 s"], timeout=60000)
    assert second.document.frames == frames_before + 2 * (B - A)


def test_the_model_jobs_push_on_the_same_history_the_edit_menu_undoes(qtbot, window, ramp):
    path, data = ramp
    entry = open_and_wait(qtbot, window, path)
    assert window.model_jobs.history(entry.document) is entry.history
    window.model_jobs.history(entry.document).push(ReplaceRangeCommand(
        "Enhance 0.00–0.50 s", 0, A, [BlockSequence.from_array(np.zeros((A, 2), np.float32))]))
    assert window.edit_actions.history_panel.step_texts()[-1] == "Enhance 0.00–0.50 s"
    assert window.tabs.tabText(0) == "ramp.wav*"
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL)
    assert np.array_equal(audio(entry.document)[0][0], data)


class RecordingPlayer:
    """Stands in for the window's Player: remembers what it was asked to play."""

    def __init__(self):
        self.calls = []

    def set_samples(self, tracks, sample_rate):
        self.calls.append(("set_samples", [t.read().copy() for t in tracks], sample_rate))

    def play_range(self, start, stop, loop=None):
        self.calls.append(("play_range", start, stop, loop))

    def stop(self):
        self.calls.append(("stop",))

    def set_document(self, document):
        self.calls.append(("set_document", document))


def test_preview_plays_the_effect_on_a_copy_and_leaves_the_document_alone(qtbot, window, ramp):
    path, data = ramp
    entry = open_and_wait(qtbot, window, path)
    window.player = RecordingPlayer()
    entry.document.set_selection(Selection(A, B))
    window.edit_actions.actions["gain"].trigger()
    dialog = window.edit_actions.last_dialog
    dialog.db_box.setValue(-6.0)
    assert dialog.preview_button.isEnabled()
    with qtbot.waitSignal(dialog.previewed) as previewed:
        qtbot.mouseClick(dialog.preview_button, LEFT)
    copy = previewed.args[0]
    assert copy is not entry.document and copy.frames == B - A
    kind, played, rate = window.player.calls[0]
    assert kind == "set_samples" and rate == RATE
    assert np.allclose(played[0], data[A:B] * 10 ** (-6 / 20), rtol=1e-6)
    assert window.player.calls[1] == ("play_range", 0, B - A, False)
    assert np.array_equal(audio(entry.document)[0][0], data) and entry.history.labels == []
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Cancel), LEFT)
    assert window.player.calls[-2:] == [("stop",), ("set_document", entry.document)]
    assert entry.history.labels == []


def test_without_a_player_preview_is_disabled_and_says_why(qtbot, window, ramp):
    entry = open_and_wait(qtbot, window, ramp[0])
    window.player = None  # as a window built without audio playback
    entry.document.set_selection(Selection(A, B))
    window.edit_actions.actions["fade_in"].trigger()
    dialog = window.edit_actions.last_dialog
    assert not dialog.preview_button.isEnabled()
    assert "no player" in dialog.preview_button.toolTip()
    dialog.reject()


def test_preview_plays_through_a_real_player_and_gives_it_back(qtbot, window, ramp,
                                                              audio_server):
    from tests.audio_server import SINK
    from workbench.runtime.audio_devices import AudioDevices
    from workbench.runtime.player import PlaybackState, Player

    entry = open_and_wait(qtbot, window, ramp[0])
    devices = AudioDevices()
    player = Player(devices)
    player.set_output_device(devices.find_output(SINK.encode()))
    window.player = player
    entry.document.set_selection(Selection(A, B))
    window.edit_actions.actions["fade_out"].trigger()
    dialog = window.edit_actions.last_dialog
    with qtbot.waitSignal(player.finished, timeout=10000):
        qtbot.mouseClick(dialog.preview_button, LEFT)
        assert player.state is PlaybackState.PLAYING and player.frames == B - A
    dialog.reject()
    assert player.state is PlaybackState.STOPPED
    assert player.frames == entry.document.frames  # the document is what it plays again
    assert entry.history.labels == []
    player.deleteLater()
    devices.deleteLater()


def test_a_zoomed_view_keeps_its_range_through_an_edit(qtbot, window, ramp):
    entry = open_and_wait(qtbot, window, ramp[0])
    entry.view.set_visible_range(1.0, 1.5)
    entry.document.set_selection(Selection(0, A))
    qtbot.keyClick(window, Qt.Key.Key_Delete)
    assert np.allclose(entry.view.visible_range(), (1.0, 1.5))


def test_closing_a_tab_stops_its_views_listening_to_the_document(qtbot, window, ramp):
    entry = open_and_wait(qtbot, window, ramp[0])
    window.edit_actions.labels.add_tier("words")
    entry.document.set_selection(Selection(A, B))
    entry.history.mark_saved()  # nothing to ask about when closing
    window.close_tab(0)
    qtbot.waitUntil(lambda: not shiboken6.isValid(entry.view))
    # A model result for the closed document still lands on its history, drawing nothing.
    entry.history.push(ReplaceRangeCommand("Enhance", 0, A, [BlockSequence.from_array(
        np.zeros((A, 2), np.float32))]))
    window.model_jobs.history(entry.document).undo()
    assert window.windowTitle() == "Audio Workbench" and window.tabs.count() == 0
    assert window.edit_actions.history_panel.history is None

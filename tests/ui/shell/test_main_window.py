"""The main window as a user meets it: open, look, zoom, pan, read values, export."""

import subprocess
import sys

import numpy as np
import soundfile as sf
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from tests.ui.conftest import open_and_wait


def test_building_the_window_does_not_import_torch():
    code = ("import os; os.environ['QT_QPA_PLATFORM']='offscreen';"
            "from PySide6.QtWidgets import QApplication; app=QApplication([]);"
            "from workbench.core.settings import Settings;"
            "from workbench.runtime.job_runner import JobRunner;"
            "from workbench.ui.shell.main_window import MainWindow;"
            "r=JobRunner(); w=MainWindow(r, Settings()); w.show(); app.processEvents();"
            "import sys; print('torch' in sys.modules); r.shutdown()")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_opening_a_file_shows_one_waveform_per_channel_with_the_spike(qtbot, window, tone_file):
    entry = open_and_wait(qtbot, window, tone_file)
    view = entry.view
    assert window.tabs.tabText(0) == "tone.wav"
    assert len(view.waveforms) == 2
    assert view.visible_range() == (0.0, 3.0)
    right = view.waveforms[1]
    _, y = right.curve.getData()
    assert np.isclose(np.nanmax(y), 0.75, atol=1e-4)  # the single-sample spike is drawn
    left_y = view.waveforms[0].curve.getData()[1]
    assert np.isclose(np.nanmax(left_y), 0.5, atol=1e-3)
    info = window.info_panel.values
    assert info["Sample rate"].text() == "16000 Hz" and info["Channels"].text() == "2"
    qtbot.waitUntil(lambda: "dBFS" in info["Peak"].text())
    assert info["Peak"].text().startswith("-6.0 dBFS")  # 0.5 peak


def test_zoom_keys_fit_and_zoom_to_selection(qtbot, window, tone_file):
    view = open_and_wait(qtbot, window, tone_file).view
    qtbot.keyClick(window, Qt.Key.Key_Plus)
    t0, t1 = view.visible_range()
    assert np.isclose(t1 - t0, 1.5)
    qtbot.keyClick(window, Qt.Key.Key_Minus)
    qtbot.keyClick(window, Qt.Key.Key_Minus)
    assert view.visible_range() == (0.0, 3.0)  # never beyond the file
    view.set_selection((1.0, 1.25))
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert np.allclose(view.visible_range(), (1.0, 1.25))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.visible_range() == (0.0, 3.0)


def test_ctrl_wheel_zooms_at_the_pointer_and_shift_wheel_pans(qtbot, window, tone_file):
    view = open_and_wait(qtbot, window, tone_file).view
    box = view.master_box
    box.zoom_requested.emit(4.0, 2.0)  # what a Ctrl+wheel notch at t=2 s asks for
    t0, t1 = view.visible_range()
    assert np.isclose(t1 - t0, 0.75) and t0 < 2.0 < t1
    assert np.isclose((2.0 - t0) / (t1 - t0), 2.0 / 3.0)  # the point under the mouse stays
    box.pan_requested.emit(0.5)
    assert np.isclose(view.visible_range()[0], t0 + 0.375)


def test_zoomed_in_waveform_draws_the_samples_themselves(qtbot, window, tone_file):
    view = open_and_wait(qtbot, window, tone_file).view
    view.set_visible_range(1.5, 1.5 + 100 / 16000)
    x, y = view.waveforms[1].curve.getData()
    assert len(x) in (100, 101, 102)  # one point per sample, no min/max columns
    assert np.isclose(y.max(), 0.75, atol=1e-4)


def test_scrollbar_and_overview_pan_the_view(qtbot, window, tone_file):
    view = open_and_wait(qtbot, window, tone_file).view
    view.set_visible_range(0.0, 0.5)
    view.scrollbar.setValue(view.scrollbar.maximum())
    assert np.isclose(view.visible_range()[1], 3.0, atol=0.01)
    view.overview.range_dragged.emit(1.0, 1.5)
    assert np.allclose(view.visible_range(), (1.0, 1.5))
    assert np.allclose(view.overview.band.getRegion(), (1.0, 1.5))


def test_pointer_readout_names_time_and_amplitude(qtbot, window, tone_file):
    view = open_and_wait(qtbot, window, tone_file).view
    plot = view.waveforms[0]
    scene_point = plot.vb.mapViewToScene(QPointF(1.0, 0.0))
    with qtbot.waitSignal(view.pointer_moved) as sig:
        view._on_mouse_moved(scene_point)
    assert abs(sig.args[0]["time"] - 1.0) < 0.01 and "amplitude" in sig.args[0]
    assert window.readout.text().startswith("Time 0:01.")


def test_bad_file_gives_one_clear_error_and_leaves_open_documents_alone(qtbot, window,
                                                                          tone_file, tmp_path):
    open_and_wait(qtbot, window, tone_file)
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"RIFF\x24\x00\x00\x00WAVEjunkjunkjunk")
    window.open_paths([bad])
    qtbot.waitUntil(lambda: window.errors.last_error is not None, timeout=10000)
    assert "broken.wav" in str(window.errors.last_error)
    assert len(window.open_documents) == 1 and window.tabs.count() == 1
    assert "broken.wav" in window.statusBar().currentMessage()


def test_drop_files_opens_them_and_remembers_recent_files(qtbot, window, tone_file):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tone_file))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: len(window.open_documents) == 1, timeout=10000)
    assert window.settings.recent_files[0] == str(tone_file.resolve())
    assert [a.text() for a in window.recent_menu.actions()] == [str(tone_file.resolve())]


def test_export_with_clipping_reports_the_count(qtbot, window, tmp_path):
    src = tmp_path / "hot.wav"
    data = np.zeros((1000, 1), np.float32)
    data[10:13] = 1.5
    sf.write(src, data, 8000, subtype="FLOAT")
    open_and_wait(qtbot, window, src)
    out = tmp_path / "out.wav"
    handle = window.export_current(out, "WAV", "PCM_16")
    with qtbot.waitSignal(handle.finished, timeout=10000):
        pass
    written, _ = sf.read(out, dtype="int16")
    assert written.max() == 32767  # clipped, not wrapped
    assert "3 samples were clipped" in window.statusBar().currentMessage()


def test_a_zero_frame_file_opens_as_an_empty_document(qtbot, window, tmp_path):
    path = tmp_path / "empty.wav"
    sf.write(path, np.zeros((0, 2), np.float32), 22050, subtype="PCM_16")
    entry = open_and_wait(qtbot, window, path)
    assert entry.document.frames == 0 and entry.document.channels == 2
    assert window.errors.last_error is None
    assert window.info_panel.values["Duration"].text() == "0:00.000"
    qtbot.keyClick(window, Qt.Key.Key_Plus)  # zooming an empty document is harmless
    assert window.errors.last_error is None


def test_nan_samples_open_with_a_visible_warning_and_export_as_zero(qtbot, window, tmp_path):
    path = tmp_path / "nan.wav"
    data = np.full((4000, 1), 0.25, np.float32)
    data[100:110] = np.nan
    data[200] = np.inf
    sf.write(path, data, 8000, subtype="FLOAT")
    entry = open_and_wait(qtbot, window, path)
    warnings = window.info_panel.values["Warnings"].text()
    assert "11 non-finite samples" in warnings
    y = entry.view.waveforms[0].curve.getData()[1]
    assert np.isfinite(y).all() and y.min() == 0.0 and np.isclose(y.max(), 0.25)
    out = tmp_path / "clean.wav"
    handle = window.export_current(out, "WAV", "FLOAT")
    with qtbot.waitSignal(handle.finished, timeout=10000):
        pass
    written, _ = sf.read(out, dtype="float32")
    assert np.isfinite(written).all() and (written[100:110] == 0).all()



def test_closing_a_tab_lets_the_document_go(qtbot, window, tone_file):
    """A closed document is freed: its samples, file handles and views go with it."""
    import gc
    import weakref

    entry = open_and_wait(qtbot, window, tone_file)
    doc_ref = weakref.ref(entry.document)
    del entry
    window.close_tab(0)
    qtbot.waitUntil(lambda: window.tabs.count() == 0)

    def freed() -> bool:  # once the view's deleteLater has run (a later event loop turn)
        gc.collect()
        return doc_ref() is None

    qtbot.waitUntil(freed, timeout=5000)

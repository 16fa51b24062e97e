"""Foundation benchmarks on a 1-hour 48 kHz stereo 16-bit WAV: open, memory,
pan/zoom frame time, start-up.  Each runs in a fresh process."""

from __future__ import annotations

from tests.benchmarks.harness import Metric, hour_file, p95, run_script

_PRELUDE = r"""
import json, os, sys, time, resource
def rss_mb():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 1e6
"""

OPEN_SCRIPT = _PRELUDE + r"""
from PySide6.QtWidgets import QApplication
app = QApplication([])
from workbench.core.settings import Settings
from workbench.runtime.job_runner import JobRunner
from workbench.ui.shell.main_window import MainWindow
path = sys.argv[1]
with open(path, 'rb') as f:  # warm the page cache, as for the peer
    while f.read(1 << 24): pass
runner = JobRunner(); win = MainWindow(runner, Settings()); win.resize(1600, 1000); win.show()
app.processEvents()
rss0 = rss_mb()
t0 = time.perf_counter()
win.open_paths([path])
painted = None
while painted is None:
    app.processEvents()
    if win.open_documents:
        view = win.open_documents[0].view
        pyramid = view.document.tracks[0].samples.blocks[0].source.peaks
        if pyramid.complete:  # every column of the full-width view is final
            view.refresh(); win.repaint()
            painted = time.perf_counter() - t0
    time.sleep(0.001)
# The user's moment: every row drawn and the file info's Peak/RMS measured.
while not (win.is_idle() and win.open_documents[0].stats is not None):
    app.processEvents(); time.sleep(0.005)
win.repaint()
done = time.perf_counter() - t0
rss1 = rss_mb()
# pan/zoom frame times: redraw + synchronous repaint of the timeline
view = win.open_documents[0].view
def frames(span, n=40):
    # Alternate 100% / 90% of the span (zoom) while moving (pan): every frame redraws.
    times = []
    dur = view.document.duration
    for i in range(n):
        width = span * (1.0 if i % 2 else 0.9)
        t = (dur - width) * i / n
        s = time.perf_counter(); view.set_visible_range(t, t + width)
        view.timeline.repaint(); times.append((time.perf_counter() - s) * 1000)
    return times
full = frames(view.document.duration); sec = frames(1.0)
runner.shutdown()
print(json.dumps({"open_s": painted, "done_s": done, "rss_added_mb": rss1 - rss0, "full_ms": full, "sec_ms": sec}))
"""

PEER_READ_SCRIPT = _PRELUDE + r"""
import soundfile as sf
path = sys.argv[1]
with open(path, 'rb') as f:
    while f.read(1 << 24): pass
t0 = time.perf_counter(); data, rate = sf.read(path, dtype='int16'); t = time.perf_counter() - t0
print(json.dumps({"read_s": t, "float32_mb": data.size * 4 / 1e6}))
"""

PEER_PANZOOM_SCRIPT = _PRELUDE + r"""
import numpy as np, soundfile as sf, pyqtgraph as pg
from PySide6.QtWidgets import QApplication
app = QApplication([])
path = sys.argv[1]
data, rate = sf.read(path, dtype='float32')
win = pg.GraphicsLayoutWidget(); win.resize(1600, 1000); win.show()
plots = []
x = np.arange(len(data)) / rate
for c in range(data.shape[1]):
    p = win.addPlot(row=c, col=0)
    item = p.plot(x, data[:, c])
    item.setClipToView(True); item.setDownsampling(auto=True, method='peak')
    plots.append(p)
for p in plots[1:]: p.setXLink(plots[0])
app.processEvents()
dur = len(data) / rate
def frames(span, n=10):
    times = []
    for i in range(n):
        width = span * (1.0 if i % 2 else 0.9)
        t = (dur - width) * i / n
        s = time.perf_counter(); plots[0].setXRange(t, t + width, padding=0)
        win.repaint(); times.append((time.perf_counter() - s) * 1000)
    return times
full = frames(dur); sec = frames(1.0)
print(json.dumps({"full_ms": full, "sec_ms": sec}))
"""

STARTUP_SCRIPT = _PRELUDE + r"""
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication
app = QApplication([])
if sys.argv[1] == 'workbench':
    from workbench.core.settings import Settings
    from workbench.runtime.job_runner import JobRunner
    from workbench.ui.shell.main_window import MainWindow
    runner = JobRunner(); win = MainWindow(runner, Settings())
else:
    import pyqtgraph as pg
    from PySide6.QtWidgets import QMainWindow
    win = QMainWindow(); win.setCentralWidget(pg.PlotWidget())
win.resize(1600, 1000); win.show(); app.processEvents()
print(json.dumps({"shown_s": time.perf_counter() - t0}))
"""


def run() -> list[Metric]:
    path = str(hour_file())
    peer = run_script(PEER_READ_SCRIPT, path)
    ours = run_script(OPEN_SCRIPT, path)
    pg_peer = run_script(PEER_PANZOOM_SCRIPT, path)
    open_ms, read_ms = ours["open_s"] * 1000, peer["read_s"] * 1000
    metrics = [
        Metric("open: first full-width waveform", open_ms, "ms", "sf.read int16", read_ms,
               "<= 1000 ms and <= 1.0x peer", open_ms <= 1000 and open_ms <= read_ms),
        Metric("open: all rows drawn, levels measured", ours["done_s"] * 1000, "ms",
               "sf.read int16", read_ms, "<= 1.5x peer", ours["done_s"] * 1000 <= 1.5 * read_ms),
        Metric("memory: RSS added by opening", ours["rss_added_mb"], "MB", "float32 size",
               peer["float32_mb"], "<= 0.25x peer",
               ours["rss_added_mb"] <= 0.25 * peer["float32_mb"]),
    ]
    for key, label in (("full_ms", "full view"), ("sec_ms", "1-second view")):
        ours_p95, peer_p95 = p95(ours[key]), p95(pg_peer[key])
        metrics.append(Metric(f"pan/zoom p95 frame, {label}", ours_p95, "ms",
                              "pyqtgraph peak dsamp", peer_p95, "<= 16.7 ms and <= 0.25x peer",
                              ours_p95 <= 16.7 and ours_p95 <= 0.25 * peer_p95))
    start_ours = min(run_script(STARTUP_SCRIPT, "workbench")["shown_s"] for _ in range(3))
    start_peer = min(run_script(STARTUP_SCRIPT, "bare")["shown_s"] for _ in range(3))
    metrics.append(Metric("start-up: main window shown", start_ours * 1000, "ms",
                          "bare PySide6+pg", start_peer * 1000, "<= 1.5x peer",
                          start_ours <= 1.5 * start_peer))
    return metrics

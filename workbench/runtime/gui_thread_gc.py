"""Python's cyclic garbage collector runs on the GUI thread only.

A garbage cycle that holds Qt objects is freed by whichever thread happens to set
the collector off.  When that is a worker (a model job, audio capture), Qt destroys
GUI objects off the GUI thread.  The suite has seen it end in a deadlock (a job
thread's collection, inside ``QObject::~QObject``, holding Qt's connection lock while
it waits for the GIL; the GUI thread, holding the GIL, deleting a menu and waiting for
that lock) and in segfaults inside pyqtgraph's menus.  So once worker threads exist,
automatic collection is off and a timer on the GUI thread collects each generation
when the interpreter's own thresholds say it is due (pyqtgraph's GarbageCollector
does the same; plain reference counting still frees everything else at once).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer

CHECK_INTERVAL_MS = 250


class GuiThreadCollector(QObject):
    """Collects garbage on the GUI thread's event loop (see the module doc)."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_INTERVAL_MS)
        self.timer.timeout.connect(self.collect_due)
        gc.disable()
        self.timer.start()

    @staticmethod
    def collect_due() -> None:
        """Collect the generations whose allocation counts passed their thresholds."""
        counts, limits = gc.get_count(), gc.get_threshold()
        for generation in range(3):
            if counts[generation] <= limits[generation]:
                return
            gc.collect(generation)


def collect_garbage_on_gui_thread() -> GuiThreadCollector | None:
    """Install the collector on the application (once); None without a QCoreApplication
    or when called off its thread (then nothing changes)."""
    app = QCoreApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        return None
    existing = app.findChild(GuiThreadCollector)
    return existing if existing is not None else GuiThreadCollector(app)

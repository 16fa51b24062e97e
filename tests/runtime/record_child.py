"""A recorder in a child process, for the tests that kill it or take its disk away.

    python -m tests.runtime.record_child record            # record until killed
    python -m tests.runtime.record_child file-limit BYTES  # files may not grow past BYTES

It records mono 48 kHz from the virtual microphone of the server named by the
PULSE_* variables it inherits, into the WORKBENCH_DATA_DIR it inherits, and
reports on stdout, one line each: RECORDING <path>, FRAMES <n> every 50 ms,
FAILED <exception class> <errno>, TAKE <path> <frames>.
"""

import os
import resource
import signal
import sys

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QCoreApplication, QTimer  # noqa: E402

from workbench.runtime.audio_devices import AudioDevices  # noqa: E402
from workbench.runtime.recorder import Recorder  # noqa: E402


def say(*words):
    print(*words, flush=True)


def main(argv):
    mode = argv[1]
    if mode == "file-limit":
        # Writing past the limit then fails with EFBIG, as a full disk fails with ENOSPC.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (int(argv[2]), resource.RLIM_INFINITY))
    app = QCoreApplication([])
    devices = AudioDevices()
    recorder = Recorder(devices)
    recorder.set_input_device(devices.find_input(b"vmic"))
    recorder.set_format(48000, 1)
    recorder.failed.connect(lambda e: say("FAILED", type(e).__name__, getattr(e, "errno", "")))
    recorder.take_finished.connect(lambda t: (say("TAKE", t.path, t.frames), app.quit()))
    path = recorder.start()
    if path is None:
        return 3
    say("RECORDING", path)
    ticker = QTimer()
    ticker.timeout.connect(lambda: say("FRAMES", recorder.frames_recorded()))
    ticker.start(50)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))

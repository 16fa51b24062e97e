"""A private PulseAudio server for tests: a null sink and a virtual microphone on its monitor.

Whatever the app plays into the null sink is what it records from the virtual
microphone, so playback and recording can be tested end to end on a machine
without a sound card.

This module is a pytest plugin (registered by tests/conftest.py) because Qt
connects to the audio server once, when the first multimedia object is made:

- `pytest_configure` points every PulseAudio client of this test process at a
  private runtime directory (never the user's server, never another run's) and
  turns client autospawn off;
- `pytest_collection_modifyitems` starts the server before any test runs, and
  only when a collected test uses the `audio_server` fixture;
- `pytest_unconfigure` stops it, and the silence keeper, by their own pids.

With CI=true a server that cannot start fails the tests that need it;
elsewhere they are skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SINK = "nullsink"
SOURCE = "vmic"
SOURCE_DESCRIPTION = "Virtual Source vmic on Monitor of Null Output"
SINK_DESCRIPTION = "Null Output"
START_TIMEOUT_S = 15.0


@dataclass
class PulseServer:
    """One pulseaudio daemon in its own runtime dir, owned by this test process."""

    root: Path
    process: subprocess.Popen | None = None
    keeper: subprocess.Popen | None = None
    error: str | None = None
    modules: list[str] = field(default_factory=list)

    @property
    def runtime_dir(self) -> Path:
        return self.root / "runtime"

    @property
    def socket(self) -> Path:
        return self.runtime_dir / "pulse" / "native"

    def client_env(self) -> dict[str, str]:
        """Variables that send a PulseAudio client (Qt, pactl) to this server only."""
        return {
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            "PULSE_RUNTIME_PATH": str(self.runtime_dir / "pulse"),
            "PULSE_SERVER": f"unix:{self.socket}",
            "PULSE_CLIENTCONFIG": str(self.root / "client.conf"),
            "PULSE_COOKIE": str(self.root / "cookie"),
        }

    def prepare(self) -> None:
        (self.runtime_dir / "pulse").mkdir(parents=True, exist_ok=True)
        os.chmod(self.runtime_dir, 0o700)
        (self.root / "home").mkdir(exist_ok=True)
        (self.root / "client.conf").write_text("autospawn = no\n")

    def start(self) -> None:
        """Start the daemon, the virtual microphone and the silence keeper."""
        exe = shutil.which("pulseaudio")
        if exe is None:
            raise RuntimeError("pulseaudio is not installed")
        env = dict(os.environ, **self.client_env(), HOME=str(self.root / "home"))
        self.process = subprocess.Popen(
            [exe, "--daemonize=no", "--exit-idle-time=-1", "-n", "--use-pid-file=no",
             "--disallow-exit", "--realtime=yes", "--high-priority=yes",
             f"--load=module-null-sink sink_name={SINK}",
             "--load=module-native-protocol-unix auth-anonymous=1",
             "--log-target=stderr", "--log-level=error"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._answers():
            if self.process.poll() is not None:
                raise RuntimeError("pulseaudio exited: "
                                   + self.process.stderr.read().decode(errors="replace")[-500:])
            if time.monotonic() > deadline:
                raise RuntimeError("pulseaudio did not answer within "
                                   f"{START_TIMEOUT_S:.0f} s")
            time.sleep(0.05)
        self.pactl("load-module", "module-virtual-source", f"source_name={SOURCE}",
                   f"master={SINK}.monitor")
        self.pactl("set-default-source", SOURCE)
        self.pactl("set-default-sink", SINK)
        # An idle null sink only wakes up on its own slow timer, so the first stream
        # played into it waits up to a second.  Real sound cards run continuously;
        # a low-latency stream of silence makes the null sink do the same.
        self.keeper = subprocess.Popen(
            ["pacat", "--playback", "-d", SINK, "--latency-msec=20", "--format=s16le",
             "--rate=44100", "--channels=2", "/dev/zero"],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)

    def pactl(self, *args: str) -> str:
        env = dict(os.environ, **self.client_env())
        out = subprocess.run(["pactl", *args], env=env, capture_output=True, text=True,
                             timeout=10, check=True)
        return out.stdout.strip()

    def load_module(self, *args: str) -> str:
        """Load a module (a second sink or source that a test will unplug)."""
        index = self.pactl("load-module", *args)
        self.modules.append(index)
        return index

    def unload_module(self, index: str) -> None:
        self.pactl("unload-module", index)
        self.modules.remove(index)

    def stop(self) -> None:
        for proc in (self.keeper, self.process):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def _answers(self) -> bool:
        if not self.socket.exists():
            return False
        try:
            self.pactl("info")
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            return False
        return True


_server: PulseServer | None = None


def pytest_configure(config):
    global _server
    _server = PulseServer(Path(tempfile.mkdtemp(prefix="workbench-pulse-")))
    _server.prepare()
    os.environ.update(_server.client_env())


def pytest_collection_modifyitems(session, config, items):
    if _server is None or _server.process is not None:
        return
    if any("audio_server" in getattr(item, "fixturenames", ()) for item in items):
        try:
            _server.start()
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            _server.error = f"cannot start PulseAudio for the audio tests: {exc}"


def pytest_unconfigure(config):
    if _server is not None:
        _server.stop()


@pytest.fixture(scope="session")
def audio_server() -> PulseServer:
    """The running private PulseAudio server (fails under CI, skips elsewhere, if it is not)."""
    if _server is None or _server.process is None or _server.error:
        reason = (_server.error if _server and _server.error
                  else "PulseAudio was not started for this session")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return _server

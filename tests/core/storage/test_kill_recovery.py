"""Kill -9 at a random moment: recovery gives the state of the last committed action.

Each trial starts tests/core/kill_child.py, which edits a document with a
recovery journal and logs each action's number once the action has returned.
The parent SIGKILLs it after a random number of actions, then recovers the
document the way start-up does and compares it with the child's actions
replayed here: it must equal the state after the last logged action, or
after the one that was running (its journal record may have been complete
before the log line was written).  Nothing older is acceptable.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.core.document_compare import assert_documents_equal, sample_bits, tier_values
from tests.core.kill_child import replayed_states
from tests.core.project_docs import write_wav
from workbench.core.storage.recovery import find_recoverable, recover_document

ROOT = Path(__file__).resolve().parents[3]
POLL_LIMIT_S = 60.0  # a stuck child fails the test instead of hanging it


def _logged_actions(log: Path) -> int:
    if not log.exists():
        return 0
    return log.read_bytes().count(b"\n")


def _run_and_kill(seed: int, wav: Path, log: Path, after: int) -> int:
    """Start the child, SIGKILL it once `after` actions are logged; returns the count logged."""
    child = subprocess.Popen([sys.executable, "-m", "tests.core.kill_child", str(seed),
                              str(wav), str(log)], cwd=ROOT,
                             env=dict(os.environ, PYTHONPATH=str(ROOT)),
                             stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + POLL_LIMIT_S
        while _logged_actions(log) < after and child.poll() is None:
            assert time.monotonic() < deadline, "the child made no progress"
            time.sleep(0.0005)
        assert child.poll() is None, f"the child stopped early: {child.stderr.read()!r}"
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
        child.stderr.close()
    return _logged_actions(log)


def _same(a, b) -> bool:
    return (sample_bits(a) == sample_bits(b) and tier_values(a, False) == tier_values(b, False)
            and a.selection == b.selection)


@pytest.mark.parametrize("trial", range(10))
def test_recovery_after_kill_restores_the_last_committed_action(tmp_path, trial):
    seed = 1000 + trial
    wav = write_wav(tmp_path / "take.wav", seconds=4, seed=trial)
    log = tmp_path / "actions.log"
    logged = _run_and_kill(seed, wav, log, after=random.Random(seed).randrange(3, 30))
    [offered], set_aside = find_recoverable()
    assert set_aside == []
    recovered = recover_document(offered.directory).document
    states = replayed_states(seed, wav, logged + 1)
    candidates = [n for n in (logged, logged + 1) if _same(recovered, states[n])]
    assert candidates, f"recovered state is neither action {logged} nor {logged + 1}"
    assert_documents_equal(states[candidates[0]], recovered, label_ids=False)

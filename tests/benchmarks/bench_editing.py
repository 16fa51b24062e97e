"""Editing and saving benchmarks on the 1-hour 48 kHz stereo 16-bit WAV.

Cut, paste, undo and redo go through the History with a recovery journal
attached, as in the app, so each time includes appending the action to the
journal and flushing it to disk.  The peer is the same cut done the simplest
way: `np.concatenate` of the whole file held in memory as int16 (the smaller
dtype, so the cheaper peer).  Saving a project (embedding the hour, fsync,
atomic rename) is compared with soundfile writing the same int16 samples,
already in memory, to a WAV (no fsync), both to new files after os.sync().
Each runs in a fresh process; medians of repeated runs, with ours and the
peer interleaved.
"""

from __future__ import annotations

from tests.benchmarks.harness import BENCH_DIR, Metric, hour_file, run_script

EDIT_LIMIT_MS = 50.0
EDIT_PEER_RATIO = 0.05
SAVE_PEER_RATIO = 1.5

_PRELUDE = r"""
import json, os, shutil, statistics, sys, tempfile, time
from pathlib import Path
import numpy as np
scratch = Path(tempfile.mkdtemp(dir=sys.argv[2]))
os.environ["WORKBENCH_DATA_DIR"] = str(scratch / "data")
os.environ["WORKBENCH_CACHE_DIR"] = str(scratch / "cache")
from workbench.core.audio.audio_file import read_audio
from workbench.core.audio.blocks import BlockSequence
from workbench.core.document.document import Document, Track
loaded = read_audio(sys.argv[1])
doc = Document([Track("hour", BlockSequence.from_source(loaded.source))],
               loaded.info.sample_rate, path=Path(sys.argv[1]), info=loaded.info)
def ms(fn):
    t0 = time.perf_counter(); fn(); return (time.perf_counter() - t0) * 1000
"""

EDIT_SCRIPT = _PRELUDE + r"""
from workbench.core.document.edit_commands import CutCommand, PasteCommand
from workbench.core.document.history import History
from workbench.core.storage.recovery_journal import RecoveryJournal
history = History(doc)
journal = RecoveryJournal(doc, history)
rate, n = doc.sample_rate, doc.frames
times = {"cut": [], "paste": [], "undo": [], "redo": []}
for i in range(9):
    a = int(n * (0.2 + 0.05 * i)); b = a + 10 * rate
    cut = CutCommand(a, b)
    times["cut"].append(ms(lambda: history.push(cut)))
    paste = PasteCommand(cut.clipboard, a // 2)
    times["paste"].append(ms(lambda: history.push(paste)))
    times["undo"].append(ms(history.undo))
    times["redo"].append(ms(history.redo))
journal.discard()
whole = np.ascontiguousarray(loaded.source.read_raw(0, n))
a = n // 3; b = a + 10 * rate
peer = [ms(lambda: np.concatenate([whole[:a], whole[b:]])) for _ in range(5)]
shutil.rmtree(scratch)
print(json.dumps({k: statistics.median(v) for k, v in times.items()}
                 | {"peer": statistics.median(peer), "blocks": len(doc.tracks[0].samples.blocks)}))
"""

SAVE_SCRIPT = _PRELUDE + r"""
import soundfile as sf
from workbench.core.storage.project_file import save_project
whole = np.ascontiguousarray(loaded.source.read_raw(0, doc.frames))
ours, peer = [], []
for i in range(5):
    project, wav = scratch / f"hour{i}.wbproj", scratch / f"hour{i}.wav"
    os.sync()  # neither pays for writing back the other's dirty pages
    ours.append(ms(lambda: save_project(doc, project)))
    os.sync()
    peer.append(ms(lambda: sf.write(wav, whole, doc.sample_rate, subtype="PCM_16")))
    size = project.stat().st_size
    project.unlink(); wav.unlink()
shutil.rmtree(scratch)
print(json.dumps({"save": statistics.median(ours), "peer": statistics.median(peer),
                  "project_mb": size / 1e6}))
"""


def run() -> list[Metric]:
    path = str(hour_file())
    edits = run_script(EDIT_SCRIPT, path, str(BENCH_DIR))
    metrics = []
    for op in ("cut", "paste", "undo", "redo"):
        value = edits[op]
        metrics.append(Metric(
            f"{op} 10 s in the 1-hour file (+journal)", value, "ms", "np.concatenate cut",
            edits["peer"], f"<= {EDIT_LIMIT_MS:.0f} ms and <= {EDIT_PEER_RATIO}x peer",
            value <= EDIT_LIMIT_MS and value <= EDIT_PEER_RATIO * edits["peer"]))
    saved = run_script(SAVE_SCRIPT, path, str(BENCH_DIR))
    metrics.append(Metric(
        "save project of the 1-hour file (fsync)", saved["save"], "ms", "sf.write WAV",
        saved["peer"], f"<= {SAVE_PEER_RATIO}x peer",
        saved["save"] <= SAVE_PEER_RATIO * saved["peer"]))
    return metrics


if __name__ == "__main__":
    from tests.benchmarks.harness import print_table

    print_table(run())

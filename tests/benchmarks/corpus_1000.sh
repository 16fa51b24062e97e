#!/bin/bash
# The 1,000-file corpus runs of issue 18 (figures in the README): build a synthesized
# corpus with planted bad files, then run each model over it locally and on a local Ray
# cluster of two nodes (head and worker, one CPU each, on this machine), and kill -9 a
# classify run mid-way and resume it. Wall times go to runs/corpus1000/times.txt, each
# run's summary.json to its folder.
# Usage: bash tests/benchmarks/corpus_1000.sh [WORKERS] [all|local|ray]   (from the repository root)
set -u
PY=${PY:-.venv/bin/python}
WORKERS=${1:-1}
PART=${2:-all}
OUT=runs/corpus1000
CORPUS=data/corpus1000
mkdir -p $OUT
if [ ! -f $CORPUS/done ]; then
$PY - <<'PYEOF'
import csv
from pathlib import Path

import numpy as np
import soundfile as sf

from workbench.training.classifier.recipe import CLASSES, synthesize_clip

root = Path("data/corpus1000")
root.mkdir(parents=True, exist_ok=True)
rows = []
for i in range(995):
    label = CLASSES[i % len(CLASSES)]
    audio = synthesize_clip(label, "eval", 5000 + i, 16000, 3.0).audio
    if label != "silence":  # -26 dBFS RMS
        audio = audio * (10 ** (-26 / 20) / max(1e-9, float(np.sqrt(np.mean(audio ** 2)))))
    name = root / f"part{i // 100:02d}" / f"{i:04d}_{label}.wav"
    name.parent.mkdir(exist_ok=True)
    sf.write(name, np.clip(audio, -1, 1).astype(np.float32), 16000, subtype="PCM_16")
    rows.append((str(name.relative_to(root)), label))
bad = root / "bad"
bad.mkdir(exist_ok=True)
(bad / "empty.wav").write_bytes(b"")
(bad / "garbage.wav").write_bytes(np.random.default_rng(0).bytes(4000))
(bad / "truncated.wav").write_bytes((root / "part00" / "0000_speech.wav").read_bytes()[:60])
sf.write(bad / "no_samples.wav", np.zeros(0, np.float32), 16000)
(bad / "notaudio.mp3").write_text("this is not audio\n")
with open(root / "truth.csv", "w", newline="") as f:
    csv.writer(f).writerows(rows)
(root / "done").write_text("ok")
PYEOF
fi
run() {  # NAME BATCH-ARGUMENTS...
  local name=$1; shift
  rm -rf "$OUT/$name"
  local t0; t0=$(date +%s.%N)
  $PY -m workbench batch "$@" --out "$OUT/$name" --workers "$WORKERS" > "$OUT/$name.log" 2>&1
  echo "$name rc=$? wall_s=$(echo "$(date +%s.%N) - $t0" | bc)" | tee -a $OUT/times.txt
}
if [ "$PART" != ray ]; then
  # kill -9 the whole run (its process group: the pool's workers too) once a few ledger
  # parts are written (mid-run, however fast the machine), then resume
  rm -rf $OUT/classify-killed
  setsid $PY -m workbench batch classify $CORPUS --out $OUT/classify-killed --workers "$WORKERS" \
    > $OUT/classify-killed.log 2>&1 &
  KILLED=$!
  until [ "$(ls $OUT/classify-killed/ledger/files 2>/dev/null | wc -l)" -ge 4 ] || ! kill -0 $KILLED 2>/dev/null; do
    sleep 0.1
  done
  kill -9 -- -$KILLED
  echo "classify-killed after $(tail -c 200 $OUT/classify-killed.log | tr '\r' '\n' | grep -o '[0-9]*/1000' | tail -1) files" | tee -a $OUT/times.txt
  sleep 2
  t0=$(date +%s.%N)
  $PY -m workbench batch classify $CORPUS --out $OUT/classify-killed --workers "$WORKERS" \
    --truth $CORPUS/truth.csv >> $OUT/classify-killed.log 2>&1
  echo "classify-killed-resume rc=$? wall_s=$(echo "$(date +%s.%N) - $t0" | bc)" | tee -a $OUT/times.txt
  run classify-local classify $CORPUS --truth $CORPUS/truth.csv
  run enhance-local enhance $CORPUS
  run transcribe-local transcribe $CORPUS
fi
if [ "$PART" != local ]; then
  # one actor on each node of a two-node cluster the script holds while the runs join it
  rm -f $OUT/ray-address
  $PY -m tests.benchmarks.ray_two_nodes $OUT/ray-address > $OUT/ray-cluster.log 2>&1 &
  CLUSTER=$!
  for _ in $(seq 120); do [ -s $OUT/ray-address ] && break; sleep 1; done
  ADDRESS=$(cat $OUT/ray-address)
  WORKERS=2
  run classify-ray2 classify $CORPUS --ray "$ADDRESS" --truth $CORPUS/truth.csv
  run enhance-ray2 enhance $CORPUS --ray "$ADDRESS"
  run transcribe-ray2 transcribe $CORPUS --ray "$ADDRESS"
  kill $CLUSTER; wait $CLUSTER
fi

"""`make bench`: run every benchmark module, print the table, write .bench/results.json."""

from __future__ import annotations

import importlib
import sys
import traceback

from tests.benchmarks.harness import print_table, write_results

MODULES = ["tests.benchmarks.bench_foundation", "tests.benchmarks.bench_spectrogram",
           "tests.benchmarks.bench_editing", "tests.benchmarks.bench_runtime",
           "tests.benchmarks.bench_recording",
           "tests.benchmarks.bench_corpus", "tests.benchmarks.bench_enhancer_review",
           "tests.benchmarks.bench_train_from_labels", "tests.benchmarks.bench_gpu"]


def main() -> int:
    metrics, failures = [], []
    for name in MODULES:
        print(f"running {name} …", file=sys.stderr, flush=True)
        try:
            metrics += importlib.import_module(name).run()
        except Exception:  # one broken benchmark must not hide the others' numbers
            failures.append(name)
            traceback.print_exc()
    print_table(metrics)
    print(f"\nwrote {write_results(metrics)}")
    if failures:
        print(f"benchmarks that failed to run: {', '.join(failures)}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

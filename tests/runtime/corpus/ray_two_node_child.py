"""Run the classify corpus on a two-node local Ray cluster (Ray's own cluster utilities:
a head node and a worker node of one CPU each, on this machine), remove the worker node
after the fourth row, and write the rows and the row count at the kill as JSON to RESULT
(run by test_ray_node_loss.py in its own process, so Ray's processes end with it; Ray's
nodes print to stdout, hence the file).

Exit 77 with a message when Ray cannot start on this machine.
"""

import json
import sys
from pathlib import Path

from tests.runtime.corpus.corpus_fixtures import classify_task
from workbench.runtime.corpus.corpus_run import run_corpus
from workbench.runtime.corpus.inputs import collect_inputs
from workbench.runtime.corpus.ledger import Ledger
from workbench.runtime.corpus.ray_executor import RayExecutor

KILL_AFTER = 4


def main(zoo: str, corpus: str, run: str, result: str) -> int:
    import ray
    from ray.cluster_utils import Cluster

    try:
        cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
        worker_node = cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
    except Exception as exc:  # Ray reports a failed start in many types
        print(f"RAY CANNOT START: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 77
    killed_at: list[int] = []

    def kill_worker_node(progress) -> None:
        if progress.done >= KILL_AFTER and not killed_at:
            cluster.remove_node(worker_node)  # its raylet and the actor on it die
            killed_at.append(progress.done)

    try:
        # Two actors of 0.75 CPU: one fits on each node, so one is on the node removed.
        run_corpus(classify_task(Path(zoo), Path(run)), collect_inputs([Path(corpus)]),
                   "model-a", Ledger(Path(run)),
                   RayExecutor(address=cluster.address, actors=2),
                   on_progress=kill_worker_node)
    finally:
        ray.shutdown()
        cluster.shutdown()
    ledger = Ledger(Path(run))
    Path(result).write_text(json.dumps({"killed_at": killed_at[0] if killed_at else None,
                                        "files": ledger.file_rows().to_pylist()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

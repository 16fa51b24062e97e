"""Hold a two-node Ray cluster on this machine (Ray's own cluster utilities: a head and a
worker node of one CPU each) for a shell script: writes the cluster's address to the
file given, then waits until it is terminated, and shuts both nodes down.

Usage: python -m tests.benchmarks.ray_two_nodes ADDRESS_FILE &   (then `kill` it)
"""

import signal
import sys
import threading
from pathlib import Path


def main(address_file: str) -> int:
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    Path(address_file).write_text(cluster.address)
    try:
        stop.wait()
    finally:
        cluster.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

"""Corpus runs: one model over many files, and the ledger of their results.

What lives here: the inputs of a run (`inputs`: files, folders, list files), the
per-file function (`per_file`: decode, run the model's own task through
ml.model_tasks.run_model_task, always return one row), the results ledger
(`ledger`: Parquet rows keyed by content hash + model hash + path, which is what
makes a rerun resume), the run itself (`corpus_run`: skip what is done, dispatch,
record) and its executors: a local process pool (`local_executor`, the default)
and Ray Data (`ray_executor`, the only module that imports ray, and only when it
runs).  For the corpus view: the truth scores (`truth`) and the map's projection of
the classifier's features (`embedding_projection`, a job body for the runner).

May use: core, ml (lazily, inside functions: importing this room imports no torch).
Imports no Qt at all; the CLI and the GUI drive the same executors.  Executors own
their processes and stop them before they return.
"""

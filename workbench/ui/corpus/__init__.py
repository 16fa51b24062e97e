"""The corpus view: the results of a corpus run (`workbench batch`), read from its
Parquet ledger, as a sortable, filterable table of files and the segments or words of
the selected file; double-clicking a row asks for the file to be opened on the
timeline at that segment (`CorpusView.open_requested`, wired by ui.shell).  Beside it:
the confusion matrix against the run's truth, the embedding map of the classifier's
penultimate features, relabelling into the run's own truth file, and a comparison
with another run.  Plain-Python helpers (truth, comparison) hold no Qt; the map's
projection is runtime.corpus.embedding_projection, run on the job runner.

Imports core, runtime (runtime.corpus reads the rows, scores the truth), pyqtgraph and
Qt; never ui.shell.
"""

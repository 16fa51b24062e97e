"""The corpus view: the results of a corpus run (`workbench batch`), read from its
Parquet ledger, as a sortable, filterable table of files and the segments or words of
the selected file; double-clicking a row asks for the file to be opened on the
timeline at that segment (`CorpusView.open_requested`, wired by ui.shell).

Imports core, runtime (runtime.corpus.ledger reads the rows) and Qt; never ui.shell.
"""

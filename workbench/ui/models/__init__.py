"""One room per model family (ui/models/<family>/): its timeline rows, inspector and
actions.  The shell wires each family in; families never import each other (an
import-linter independence contract checks it).
"""

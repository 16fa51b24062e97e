"""`workbench train FAMILY ...` and `workbench eval FAMILY ...`.

They dispatch to the entries of workbench/training/registry.py; the options
after FAMILY belong to that entry's own parser.
"""

from __future__ import annotations

import argparse
import importlib

from workbench.cli.common import EXIT_USAGE, CliCommand, fail
from workbench.training.registry import EVALUATORS, MODEL_FAMILIES, TRAINERS, CommandEntry


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("family", choices=MODEL_FAMILIES)
    parser.add_argument("options", nargs=argparse.REMAINDER,
                        help="options of the family's own command (see its --help)")


def _dispatch(verb: str, noun: str, registry: dict[str, CommandEntry],
              args: argparse.Namespace) -> int:
    entry = registry.get(args.family)
    if entry is None:
        return fail(verb, f"no {noun} for {args.family} yet", EXIT_USAGE)
    module = importlib.import_module(entry.module)
    parser = argparse.ArgumentParser(prog=f"workbench {verb} {args.family}",
                                     description=entry.help)
    module.add_arguments(parser)
    try:
        options = parser.parse_args(args.options)
    except SystemExit as exc:
        return int(exc.code or 0)
    return int(module.run(options))


TRAIN = CliCommand("train a model (recognizer, enhancer or classifier)", _add_arguments,
                   lambda args: _dispatch("train", "trainer", TRAINERS, args))
EVAL = CliCommand("evaluate a model (recognizer, enhancer or classifier)", _add_arguments,
                  lambda args: _dispatch("eval", "evaluator", EVALUATORS, args))

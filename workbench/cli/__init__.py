"""Headless commands: `workbench COMMAND ...` (no Qt is imported here).

Exit codes: 0 success, 2 usage error, 3 unreadable input (or unwritable
output), 4 model error.  Results go to stdout, progress and messages to
stderr.  Commands that need torch import it only when they run, so
`workbench info` and `--help` stay quick.
"""

from __future__ import annotations

import argparse

from workbench.cli import batch, info, lesson, model_commands, models, train_eval
from workbench.cli.common import (
    EXIT_INPUT,
    EXIT_MODEL,
    EXIT_OK,
    EXIT_USAGE,
    CliCommand,
    keep_file_names_as_bytes,
)

COMMANDS: dict[str, CliCommand] = {
    "info": info.COMMAND,
    "transcribe": model_commands.TRANSCRIBE,
    "enhance": model_commands.ENHANCE,
    "classify": model_commands.CLASSIFY,
    "models": models.COMMAND,
    "train": train_eval.TRAIN,
    "eval": train_eval.EVAL,
    "lesson": lesson.COMMAND,
    "batch": batch.COMMAND,
}

__all__ = ["COMMANDS", "EXIT_INPUT", "EXIT_MODEL", "EXIT_OK", "EXIT_USAGE", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench",
                                     description="Audio Workbench headless commands.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, command in COMMANDS.items():
        command.add_arguments(sub.add_parser(name, help=command.help,
                                             description=command.help))
    return parser


def main(argv: list[str]) -> int:
    """Run one command; returns its exit code."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    keep_file_names_as_bytes()
    return COMMANDS[args.command].run(args)

"""Exit codes, the command record, and reporting errors the same way in every command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from workbench.core.paths import display_name

EXIT_OK, EXIT_USAGE, EXIT_INPUT, EXIT_MODEL = 0, 2, 3, 4
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class CliCommand:
    """A headless command: its help line, its arguments, and what it runs (-> exit code)."""

    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def fail(command: str, message: object, code: int) -> int:
    """Print `workbench COMMAND: error: MESSAGE` on stderr and return `code`."""
    print(f"workbench {command}: error: {message}", file=sys.stderr)
    return code


def warn(command: str, path: Path | str, warnings: Iterable[str]) -> None:
    """Print each of a file's warnings as `workbench COMMAND: warning: FILE: TEXT` on stderr."""
    for text in warnings:
        print(f"workbench {command}: warning: {display_name(path)}: {text}", file=sys.stderr)


def keep_file_names_as_bytes() -> None:
    """Let stdout write file names that are not UTF-8 as the bytes they are (as ls does).

    Python holds such names as lone surrogates, which the default strict encoder
    refuses ("surrogates not allowed"); surrogateescape turns them back into bytes.
    """
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="surrogateescape")

"""Exit codes, the command record, and reporting errors the same way in every command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass

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

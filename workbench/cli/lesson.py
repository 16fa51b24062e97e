"""`workbench lesson check FILE...`: check lesson files (resources/lessons/README.md).

Prints `FILE: ok (N steps)` on stdout for each good file and `FILE:LINE: reason`
on stderr for each broken one; exits 3 when any file is broken or unreadable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.cli.common import EXIT_INPUT, EXIT_OK, CliCommand, fail
from workbench.core.lessons.lesson import LessonError
from workbench.core.lessons.parser import load_lesson
from workbench.core.paths import display_name


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="lesson_action", required=True)
    check = actions.add_parser("check", help="check lesson files; FILE:LINE: reason for "
                               "each mistake", description="Check lesson files.")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")


def _check(path: Path) -> bool:
    try:
        lesson = load_lesson(path)
    except LessonError as exc:
        print(f"{display_name(exc.path)}:{exc.line}: {exc.reason}", file=sys.stderr)
        return False
    except OSError as exc:
        fail("lesson", f"cannot read {display_name(path)}: {exc.strerror or exc}", EXIT_INPUT)
        return False
    print(f"{display_name(path)}: ok ({len(lesson.steps)} steps)")
    return True


def _run(args: argparse.Namespace) -> int:
    results = [_check(path) for path in args.files]  # every file, not only up to the first bad
    return EXIT_OK if all(results) else EXIT_INPUT


COMMAND = CliCommand("check lesson files", _add_arguments, _run)

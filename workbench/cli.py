"""Headless commands (no Qt is imported here).

Exit codes: 0 success, 2 usage error, 3 unreadable input, 4 model error.
"""

from __future__ import annotations

import argparse
import sys

from workbench.core.audio_file import AudioFileError, probe_audio

EXIT_OK, EXIT_USAGE, EXIT_INPUT, EXIT_MODEL = 0, 2, 3, 4


def _info(args: argparse.Namespace) -> int:
    """Print what the workbench sees in each file."""
    code = EXIT_OK
    for path in args.files:
        try:
            info = probe_audio(path)
        except AudioFileError as exc:
            print(exc, file=sys.stderr)
            code = EXIT_INPUT
            continue
        print(f"{path}: {info.format_info}, {info.sample_rate} Hz, {info.channels} ch, "
              f"{info.frames} frames ({info.frames / info.sample_rate:.3f} s)")
        for warning in info.warnings:
            print(f"  warning: {warning}")
    return code


COMMANDS = {"info": _info}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="workbench")
    sub = parser.add_subparsers(dest="command", required=True)
    info = sub.add_parser("info", help="describe audio files")
    info.add_argument("files", nargs="+")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    return COMMANDS[args.command](args)

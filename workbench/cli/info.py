"""`workbench info FILE...`: what the workbench sees in each file."""

from __future__ import annotations

import argparse

from workbench.cli.common import EXIT_INPUT, EXIT_OK, CliCommand, fail
from workbench.core.audio.audio_file import AudioFileError, probe_audio


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+")


def _run(args: argparse.Namespace) -> int:
    code = EXIT_OK
    for path in args.files:
        try:
            info = probe_audio(path)
        except AudioFileError as exc:
            code = fail("info", exc, EXIT_INPUT)
            continue
        print(f"{path}: {info.format_info}, {info.sample_rate} Hz, {info.channels} ch, "
              f"{info.frames} frames ({info.frames / info.sample_rate:.3f} s)")
        for warning in info.warnings:
            print(f"  warning: {warning}")
    return code


COMMAND = CliCommand("describe audio files", _add_arguments, _run)

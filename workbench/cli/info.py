"""`workbench info FILE...`: what the workbench sees in each file.

Files are opened as the workbench opens them (compressed ones are decoded into
the cache, which later opens reuse), so the frame count is the true one and
damage found while decoding is reported.  Warnings go to stderr.
"""

from __future__ import annotations

import argparse

from workbench.cli.common import EXIT_INPUT, EXIT_OK, CliCommand, fail, warn
from workbench.cli.progress import ProgressBar
from workbench.core.audio.audio_file import AudioFileError, load_audio, sample_warnings
from workbench.core.jobs import run_to_completion

FLOAT_SUBTYPES = ("FLOAT", "DOUBLE")


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+")


def _run(args: argparse.Namespace) -> int:
    code = EXIT_OK
    for path in args.files:
        bar = ProgressBar()
        try:
            loaded = run_to_completion(lambda c, p=path: load_audio(p, c),
                                       on_progress=bar.update)
        except AudioFileError as exc:
            code = fail("info", exc, EXIT_INPUT)
            continue
        finally:
            bar.close()
        info = loaded.info
        print(f"{path}: {info.format_info}, {info.sample_rate} Hz, {info.channels} ch, "
              f"{info.frames} frames ({info.frames / info.sample_rate:.3f} s)")
        warn("info", path, info.warnings)
        if info.subtype in FLOAT_SUBTYPES:  # only float samples can be NaN or absurd
            warn("info", path, sample_warnings(loaded.source))
    return code


COMMAND = CliCommand("describe audio files", _add_arguments, _run)

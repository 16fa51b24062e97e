"""Entry point: `workbench [FILE...]` opens the GUI; `workbench COMMAND ...` runs headless.

Headless commands live in workbench.cli, which never imports Qt; the GUI is
imported only when no command is given.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.core.analysis.results import MODEL_KINDS


def _model_kinds(text: str) -> tuple[str, ...]:
    """`transcribe,classify` -> ("transcribe", "classify"); unknown kinds are a usage error."""
    kinds = tuple(k.strip() for k in text.split(",") if k.strip())
    unknown = [k for k in kinds if k not in MODEL_KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(f"unknown model job {', '.join(unknown) or text!r}; "
                                         f"choose from {','.join(MODEL_KINDS)}")
    return kinds


def _step_number(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a step number is 1 or more, not {text!r}")
    return int(text)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    from workbench import cli

    if argv and argv[0] in cli.COMMANDS:
        return cli.main(argv)
    parser = argparse.ArgumentParser(
        prog="workbench", description="Audio Workbench: open audio files in the GUI.",
        epilog=f"Headless commands: {', '.join(cli.COMMANDS)} (workbench COMMAND --help).")
    parser.add_argument("files", nargs="*", type=Path, help="audio files to open")
    parser.add_argument("--screenshot", type=Path, metavar="OUT.png",
                        help="render the window offscreen at 1600x1000, save a PNG, exit")
    parser.add_argument("--run", type=_model_kinds, default=(), metavar="KINDS",
                        help="run model jobs on the opened files, e.g. transcribe,enhance,"
                             "classify (with --screenshot: wait for them, then shoot)")
    parser.add_argument("--device", metavar="D", help="run models on auto, cpu, cuda, cuda:N "
                                                      "or mps (over WORKBENCH_DEVICE and the "
                                                      "setting)")
    parser.add_argument("--zoo", type=Path, metavar="DIR",
                        help="model folder (default: WORKBENCH_MODELS_DIR, else models/)")
    parser.add_argument("--lesson", type=Path, metavar="LESSON.md",
                        help="start this lesson once the first file has opened")
    parser.add_argument("--lesson-step", type=_step_number, default=1, metavar="N",
                        help="go on to step N of the lesson (1 is the first)")
    parser.add_argument("--corpus", type=Path, metavar="RUN_DIR",
                        help="show a corpus run (workbench batch --out RUN_DIR) in the "
                             "corpus dock; without files, open its first file there")
    args = parser.parse_args(argv)
    from workbench.app import run_gui

    lesson = (args.lesson, args.lesson_step) if args.lesson else None
    return run_gui(args.files, screenshot=args.screenshot, run=args.run, device=args.device,
                   zoo=args.zoo, lesson=lesson, corpus=args.corpus)


if __name__ == "__main__":
    sys.exit(main())

"""Entry point: `workbench [FILE...]` opens the GUI; `workbench COMMAND ...` runs headless.

Headless commands live in workbench.cli, which never imports Qt; the GUI is
imported only when no command is given.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


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
    args = parser.parse_args(argv)
    from workbench.app import run_gui

    return run_gui(args.files, screenshot=args.screenshot)


if __name__ == "__main__":
    sys.exit(main())

"""`workbench models`: the models in the zoo, and the public pretrained ones."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from workbench.cli.common import EXIT_MODEL, EXIT_OK, CliCommand, fail
from workbench.ml.errors import ModelLoadError
from workbench.ml.zoo import ModelZoo, ZooEntry
from workbench.ml.zoo.pretrained import list_pretrained


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--zoo", metavar="DIR", type=Path,
                        help="model folder (default: WORKBENCH_MODELS_DIR, else models/)")
    parser.add_argument("--json", action="store_true", help="print the list as JSON")


def _entry_json(entry: ZooEntry) -> dict:
    card = entry.card
    return {"name": entry.name, "task": card.task if card else None,
            "architecture": card.architecture if card else None,
            "sample_rate": card.sample_rate if card else None,
            "metrics": dict(card.metrics) if card else {},
            "status": "ok" if entry.usable else str(entry.problem)}


def _run(args: argparse.Namespace) -> int:
    zoo = ModelZoo.installed(args.zoo)
    try:
        entries = zoo.list_models() if zoo.manifest_path.exists() else []
    except ModelLoadError as exc:
        return fail("models", exc, EXIT_MODEL)
    pretrained = list_pretrained()
    if args.json:
        print(json.dumps({"zoo": str(zoo.folder), "models": [_entry_json(e) for e in entries],
                          "pretrained": [{"name": p.name, "task": p.task,
                                          "downloaded": p.cached} for p in pretrained]},
                         indent=2))
        return EXIT_OK
    print(f"Models in {zoo.folder}:")
    if not entries:
        print("  none installed (train one with `workbench train recognizer|enhancer|"
              "classifier`)")
    for e in entries:
        row = _entry_json(e)
        metrics = ", ".join(f"{k} {v}" for k, v in row["metrics"].items())
        print(f"  {e.name:24} {row['task'] or '?':22} {row['status']}"
              + (f"  [{metrics}]" if metrics else ""))
    print("Public pretrained models (download them in the GUI's model manager):")
    for p in pretrained:
        print(f"  {p.name:34} {p.task:20} {'downloaded' if p.cached else 'not downloaded'}")
    return EXIT_OK


COMMAND = CliCommand("list the installed models", _add_arguments, _run)

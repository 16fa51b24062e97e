"""`workbench train recognizer`: synthesize the pool, train, write weights, card, manifest."""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

from workbench.core import paths
from workbench.training.recognizer.train import TrainSettings, train_recognizer

_DEFAULTS = TrainSettings()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--hours", type=float, default=None,
                        help="training time budget (default 1.5 h unless --epochs is given)")
    parser.add_argument("--epochs", type=int, default=None, help="most epochs to train")
    parser.add_argument("--corpus", action="append", default=[], metavar="DIR",
                        help="transcribed recordings to train on (repeatable): audio + "
                             "same-named .txt, LJSpeech metadata.csv or LibriSpeech "
                             "*.trans.txt; about 5%% of each is held out for evaluation")
    parser.add_argument("--from", dest="init_from", metavar="MODEL",
                        help="fine-tune: a zoo model name or a .safetensors file to start from")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--zoo", type=Path, metavar="DIR",
                        help="model folder to write into (default: WORKBENCH_MODELS_DIR, "
                             "else models/)")
    parser.add_argument("--name", default=None,
                        help="model name in the zoo (default: recognizer, or "
                             "recognizer-adapted with --from)")
    parser.add_argument("--run-dir", default=_DEFAULTS.run_dir, metavar="DIR",
                        help="checkpoints and logs (a second run resumes from them)")
    parser.add_argument("--pool-dir", default=_DEFAULTS.pool_dir, metavar="DIR",
                        help="synthetic speech pool (filled once, then reused)")
    parser.add_argument("--pool-shards", type=int, default=_DEFAULTS.pool_shards,
                        help="synthetic shards of 100 utterances (0: corpora only)")
    parser.add_argument("--learning-rate", type=float, default=None)
    parser.add_argument("--seed", type=int, default=_DEFAULTS.seed)
    parser.add_argument("--threads", type=int, default=_DEFAULTS.threads)


def _log_to(run_dir: Path):
    run_dir.mkdir(parents=True, exist_ok=True)
    handle = (run_dir / "train.log").open("a", encoding="utf-8")

    def log(message: str) -> None:
        line = f"{time.strftime('%H:%M:%S')} {message}"
        print(line, flush=True)
        handle.write(line + "\n")
        handle.flush()
    return log


def _resolve_device(choice: str) -> str:
    if choice != "auto":
        return choice
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _resolve_from(value: str | None, zoo: Path) -> tuple[str | None, dict | None]:
    """(weights path, architecture config) of the model to fine-tune from."""
    if value is None or value.endswith(".safetensors"):
        return value, None
    from workbench.ml.zoo import ModelZoo

    models = ModelZoo(zoo)
    entry = models.entry(value)
    config = dict(entry.card.config) if entry.card is not None else None
    return str(models.verified_weights(value)), config


def run(args: argparse.Namespace) -> int:
    from workbench.cli.progress import ProgressBar
    from workbench.core.jobs import Progress
    from workbench.training.recognizer import card

    zoo = Path(args.zoo or paths.models_dir())
    hours = args.hours if args.hours is not None else (None if args.epochs else 1.5)
    init_from, config = _resolve_from(args.init_from, zoo)
    rate = args.learning_rate or (3e-4 if init_from else _DEFAULTS.learning_rate)
    settings = TrainSettings(
        config=config or _DEFAULTS.config,
        run_dir=args.run_dir, pool_dir=args.pool_dir, pool_shards=args.pool_shards,
        corpora=tuple(str(Path(c).resolve()) for c in args.corpus), hours=hours,
        epochs=args.epochs or _DEFAULTS.epochs, learning_rate=rate, seed=args.seed,
        threads=args.threads, device=_resolve_device(args.device), init_from=init_from)
    name = args.name or ("recognizer-adapted" if init_from else card.MODEL_NAME)
    log = _log_to(Path(settings.run_dir))
    bar = ProgressBar()
    try:
        summary = train_recognizer(settings, zoo / card.weights_file(name), log,
                                   lambda f, m: bar.update(Progress(f, m)))
    except (ValueError, OSError) as exc:
        bar.close()
        print(f"workbench train recognizer: {exc}", file=sys.stderr)
        return 1
    bar.close()
    summary["hardware"] = f"{platform.machine()} CPU, {settings.threads} torch threads" \
        if settings.device == "cpu" else f"{settings.device} GPU"
    card.install(zoo, name, summary)
    log(f"wrote {zoo / card.weights_file(name)} and {zoo / card.card_file(name)}")
    return 0

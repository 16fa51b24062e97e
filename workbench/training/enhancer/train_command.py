"""`workbench train enhancer`: synthesize the pools, train, write weights, card and manifest."""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from workbench.core import paths
from workbench.training.enhancer import card
from workbench.training.enhancer.train import TrainSettings, train_enhancer

_DEFAULTS = TrainSettings()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--zoo", type=Path, metavar="DIR",
                        help="model folder to write into (default: WORKBENCH_MODELS_DIR, "
                             "else models/)")
    parser.add_argument("--run-dir", default=_DEFAULTS.run_dir, metavar="DIR",
                        help="checkpoints and logs (a rerun resumes from them)")
    parser.add_argument("--data-dir", default=_DEFAULTS.data_dir, metavar="DIR",
                        help="pools of synthesized speech and noise (reused when present)")
    parser.add_argument("--epochs", type=int, default=_DEFAULTS.epochs)
    parser.add_argument("--steps-per-epoch", type=int, default=_DEFAULTS.steps_per_epoch)
    parser.add_argument("--batch-size", type=int, default=_DEFAULTS.batch_size)
    parser.add_argument("--utterances", type=int, default=_DEFAULTS.speech_utterances,
                        help="training sentences to synthesize")
    parser.add_argument("--hidden", type=int, default=_DEFAULTS.hidden)
    parser.add_argument("--seed", type=int, default=_DEFAULTS.seed)
    parser.add_argument("--threads", type=int, default=_DEFAULTS.threads)


def _log(message: str) -> None:
    print(time.strftime("%H:%M:%S"), message, flush=True)


def run(args: argparse.Namespace) -> int:
    from workbench.cli.progress import ProgressBar

    settings = TrainSettings(run_dir=args.run_dir, data_dir=args.data_dir, epochs=args.epochs,
                             steps_per_epoch=args.steps_per_epoch, batch_size=args.batch_size,
                             speech_utterances=args.utterances, hidden=args.hidden,
                             seed=args.seed, threads=args.threads)
    zoo = Path(args.zoo or paths.models_dir())
    bar = ProgressBar()
    try:
        net, summary = train_enhancer(settings, _log, bar.update)
    finally:
        bar.close()
    install(zoo, net, summary)
    _log(f"wrote {zoo / card.WEIGHTS_FILE} and {zoo / card.CARD_FILE}")
    return 0


def install(zoo: Path, net, summary: dict) -> None:
    """Write the weights and the card of a freshly trained net and register the model;
    `workbench eval enhancer --update-card` adds the test metrics."""
    from workbench.ml.zoo.safe_load import save_safetensors

    save_safetensors(net, zoo / card.WEIGHTS_FILE)
    settings = summary["settings"]
    minutes = (summary["synthesis_s"] + summary["training_s"]) / 60
    training = {
        "hardware": f"{platform.machine()} CPU ({os.cpu_count()} cores shared with other jobs), "
                    f"{settings['threads']} torch thread(s)",
        "training_time": f"{minutes:.0f} min ({summary['synthesis_s'] / 60:.0f} min synthesis, "
                         f"{summary['training_s'] / 60:.0f} min training)",
        "settings": settings, "history": summary["history"],
    }
    last = summary["history"][-1] if summary["history"] else {}
    metrics = {"validation_si_sdr_improvement": last.get("si_sdr_improvement", 0.0)}
    config = {"n_fft": net.n_fft, "hop": net.hop, "hidden": net.hidden, "layers": net.layers}
    parameters = sum(p.numel() for p in net.parameters())
    card.write_card(zoo, config, parameters, training, metrics,
                    "Not evaluated yet: run `workbench eval enhancer --update-card`.")
    card.register(zoo)
